import logging

from django.contrib import messages
from django.core import signing
from django.db import InterfaceError, OperationalError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.views import ArticleDetailView
from core.origin import same_origin_post

from . import services, throttle
from .forms import CommentForm, TamperedToken, article_of_token
from .models import Comment
from .notifications import comment_from_token
from .threads import remember_comment

logger = logging.getLogger(__name__)
SAVE_FAILED_RETRY_SECONDS = 5  # a database restart or failover; the reader just posts again


def refusal(request, article, status: int, title: str, message: str, form=None, kept_text=""):
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
    if status == 429:
        response["Retry-After"] = str(throttle.rate_usage(request, count=False)["time_left"])
    elif status == 503:
        response["Retry-After"] = str(SAVE_FAILED_RETRY_SECONDS)
    return response


@same_origin_post  # anonymous readers' pages carry no CSRF token: they are shared (core/origin.py)
@require_POST
def post_comment(request, slug):
    """Post/redirect/get. Drafts, scheduled and unknown essays are 404."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not article.comments_open:
        # They may have closed while the reader was typing: hand the text back to keep.
        text = request.POST.get("text", "").strip()
        message = "Comments are closed."
        if text:
            message += " Your comment was not posted; it is below, to copy and keep."
        return refusal(request, article, 403, "Comments are closed", message, kept_text=text)
    # Rate limit first, duplicate text last (in submit_comment's transaction): nothing a failed
    # or refused attempt did can block its retry.
    if throttle.is_rate_limited(request):
        return too_many(request, article)
    form = CommentForm(request.POST, article=article, user=request.user)
    try:
        valid = form.is_valid()
    except TamperedToken:
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
    if not valid:
        return render_article_with_form(request, slug, form)
    if throttle.rate_usage(request, count=True)["should_limit"]:
        return too_many(request, article)  # concurrent posts used up the allowance meanwhile

    data = {**form.cleaned_data, "seconds_on_form": form.seconds_on_form}
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    meta = {"ip": throttle.client_ip(request), "user_agent": user_agent}
    try:
        comment = services.submit_comment(
            article=article, data=data, request_meta=meta, user=request.user
        )
    except services.DuplicateComment:
        form.add_error("text", "You have already posted this comment.")
        return render_article_with_form(request, slug, form)
    except (OperationalError, InterfaceError):
        # The database went away mid-save (restart, failover, a killed connection): the
        # transaction rolled back, so say so and hand the comment back. A database that stays
        # down fails this page too and gets the site's own 503.
        logger.warning("Comment not saved: database error", exc_info=True)
        throttle.give_back(request)  # not the reader's doing: the retry must not be a 429
        return refusal(
            request,
            article,
            503,
            "Comment not saved",
            "Your comment could not be saved just now (our database did not complete the save). "
            "Nothing was stored; your comment is below. Please post it again in a moment.",
            form=kept_form(request, article),
        )
    remember_comment(request, comment)
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you — your comment is published.")
    else:
        messages.info(request, "Your comment is awaiting moderation.")
    return redirect(comment.get_absolute_url())


def too_many(request, article):
    return refusal(
        request,
        article,
        429,
        "Too many comments",
        "You have posted several comments in a short time. Nothing you sent was saved yet: "
        "your comment is below. Please wait a few minutes and post it again.",
        form=kept_form(request, article),
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


def render_article_with_form(request, slug, form):
    """The essay page again, with the reader's text kept and each error next to its field."""
    view = ArticleDetailView()
    view.setup(request, slug=slug)
    view.comment_form = form
    return view.get(request)


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
