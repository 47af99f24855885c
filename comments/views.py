import logging

from django.contrib import messages
from django.core import signing
from django.db import InterfaceError, OperationalError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.views import render_essay
from core.client import client_ip
from core.origin import same_origin_post

from . import services
from .forms import CommentForm, article_of_token
from .models import Comment
from .notifications import comment_from_token
from .threads import remember_comment

logger = logging.getLogger(__name__)
SAVE_FAILED_RETRY_SECONDS = 5  # a database restart or failover; the reader just posts again


def refusal(
    request, article, status: int, title: str, message: str, form=None, kept_text="", retry_after=0
):
    """A page saying what happened; with `form`, the reader's comment is in it, ready to post;
    with `kept_text` (nowhere to post it), their text to copy."""
    reply_to = None
    if form is not None and form.initial.get("parent"):
        reply_to = article.comments.approved().filter(pk=form.initial["parent"]).first()
    context = {
        "article": article,
        "title": title,
        "message": message,
        "comment_form": form,
        "reply_to": reply_to,
        "kept_text": kept_text,
    }
    response = render(request, "comments/refused.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@same_origin_post  # anonymous readers' pages carry no CSRF token: they are shared (core/origin.py)
@require_POST
def post_comment(request, slug):
    """Post/redirect/get. Drafts, scheduled and unknown essays are 404. The rules are
    services.submit_comment's; this view checks the form and turns each refusal into a page."""
    # Loaded as the essay page loads it (byline, topics): a refused comment is shown on that page.
    essays = Article.objects.published().with_byline().prefetch_related("topics")
    article = get_object_or_404(essays, slug=slug)
    form = CommentForm(request.POST, article=article, user=request.user)
    try:
        # Before the form: a closed essay's page has no form to show its errors in.
        services.ensure_open(article)
        if not form.is_valid():
            if form.is_tampered:
                return unverified(request, article)
            return render_essay(request, article, extra_context={"comment_form": form})
        data = {**form.cleaned_data, "seconds_on_form": form.seconds_on_form}
        comment = services.submit_comment(article=article, data=data, client=client_of(request))
    except services.CommentsClosed:
        return closed(request, article)
    except services.RateLimited as limited:
        return too_many(request, article, limited.retry_after)
    except services.DuplicateComment:
        form.add_error("text", "You have already posted this comment.")
        return render_essay(request, article, extra_context={"comment_form": form})
    except (OperationalError, InterfaceError):
        # The database went away mid-save (restart, failover, a killed connection): the
        # transaction rolled back and the attempt was given back, so say so and hand the
        # comment back. A database that stays down fails this page too (the site's own 503).
        logger.warning("Comment not saved: database error", exc_info=True)
        return save_failed(request, article)
    remember_comment(request, comment)
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you — your comment is published.")
    else:
        messages.info(request, "Your comment is awaiting moderation.")
    return redirect(comment.get_absolute_url())


def client_of(request) -> services.ClientInfo:
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    return services.ClientInfo(ip=client_ip(request), user_agent=user_agent, user=request.user)


def closed(request, article):
    # They may have closed while the reader was typing: hand the text back to keep.
    text = request.POST.get("text", "").strip()
    message = "Comments are closed."
    if text:
        message += " Your comment was not posted; it is below, to copy and keep."
    return refusal(request, article, 403, "Comments are closed", message, kept_text=text)


def unverified(request, article):
    return refusal(
        request,
        article,
        400,
        "Form could not be checked",
        "This comment form could not be verified (it may come from an old copy of the "
        "page), so nothing was posted. Your comment is below in a fresh form: please "
        "check it and post it again.",
        form=kept_form(request, article),
    )


def too_many(request, article, retry_after: int):
    return refusal(
        request,
        article,
        429,
        "Too many comments",
        "You have posted several comments in a short time. Nothing you sent was saved yet: "
        "your comment is below. Please wait a few minutes and post it again.",
        form=kept_form(request, article),
        retry_after=retry_after,
    )


def save_failed(request, article):
    return refusal(
        request,
        article,
        503,
        "Comment not saved",
        "Your comment could not be saved just now (our database did not complete the save). "
        "Nothing was stored; your comment is below. Please post it again in a moment.",
        form=kept_form(request, article),
        retry_after=SAVE_FAILED_RETRY_SECONDS,
    )


def kept_form(request, article) -> CommentForm:
    """A fresh form holding what the reader typed, for a page that could not accept it.

    Unbound, so it shows no errors and is never validated here; the form's own token is kept
    when it is one of this essay's (it records when the reader opened the form).
    """
    posted = request.POST
    kept = ("name", "email", "website", "text")
    initial = {name: posted[name] for name in kept if name in posted}
    initial["notify_replies"] = bool(posted.get("notify_replies"))
    parent = posted.get("parent", "")
    if parent.isascii() and parent.isdigit() and len(parent) <= 18:  # "²".isdigit() too
        initial["parent"] = parent
    if article_of_token(posted.get("token", "")) == article.pk:
        initial["token"] = posted["token"]
    return CommentForm(article=article, user=request.user, initial=initial)


@csrf_exempt  # RFC 8058 one-click unsubscribe is a POST from the mail client; the token is signed.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET only asks (mail scanners open every link); POST List-Unsubscribe=One-Click, sent by
    the page's button or by a mail client (RFC 8058), unsubscribes."""
    template = "comments/unsubscribed.html"
    try:
        comment_id = comment_from_token(token)
    except signing.SignatureExpired:
        return render(request, template, {"state": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, template, {"state": "invalid"}, status=400)
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    context = {"comment": comment, "token": token}
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        services.unsubscribe(comment=comment)
        return render(request, template, {**context, "state": "done"})
    state = "confirm" if comment.notify_replies else "already"
    return render(request, template, {**context, "state": state})
