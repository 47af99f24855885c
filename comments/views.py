from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.views import ArticleDetailView

from . import services, throttle
from .forms import CommentForm, TamperedToken
from .models import Comment
from .notifications import comment_from_token
from .threads import remember_comment


def refusal(request, article, status: int, title: str, message: str):
    response = render(
        request,
        "comments/refused.html",
        {"article": article, "title": title, "message": message},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(throttle.rate_usage(request, count=False)["time_left"])
    return response


@require_POST
def post_comment(request, slug):
    """Post/redirect/get. Drafts, scheduled and unknown essays are 404."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not article.comments_open:
        return refusal(request, article, 403, "Comments are closed", "Comments are closed.")
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
            "This comment form could not be verified. Please reload the essay and try again.",
        )
    if valid and not throttle.claim_new_text(
        text=form.cleaned_data["text"], email=form.cleaned_data["email"]
    ):
        form.add_error("text", "You have already posted this comment.")
        valid = False
    if not valid:
        return render_article_with_form(request, slug, form)
    if throttle.rate_usage(request, count=True)["should_limit"]:
        return too_many(request, article)  # concurrent posts used up the allowance meanwhile

    data = {**form.cleaned_data, "seconds_on_form": form.seconds_on_form}
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    meta = {"ip": throttle.client_ip(request), "user_agent": user_agent}
    comment = services.submit_comment(
        article=article, data=data, request_meta=meta, user=request.user
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
        "You have posted several comments in a short time. Please wait a few minutes "
        "and try again; nothing you sent was saved.",
    )


def render_article_with_form(request, slug, form):
    """The essay page again, with the reader's text kept and each error next to its field."""
    view = ArticleDetailView()
    view.setup(request, slug=slug)
    view.comment_form = form
    return view.get(request)


@csrf_exempt  # RFC 8058 one-click unsubscribe is a POST from the mail client; the token is signed.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    comment_id = comment_from_token(token)
    comment = get_object_or_404(Comment, pk=comment_id) if comment_id else None
    if comment is None:
        return render(request, "comments/unsubscribed.html", {"valid": False}, status=400)
    services.unsubscribe(comment=comment)
    return render(request, "comments/unsubscribed.html", {"valid": True, "comment": comment})
