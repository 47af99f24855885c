from django.urls import path

from core.edge.pages import cached_page

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("essays/<slug:slug>/comments/", views.post_comment, name="post"),
    path(
        "essays/<slug:slug>/comments/feed/",
        cached_page(feeds.ArticleCommentsFeed(), params=()),
        name="article-feed",
    ),
    path(
        "essays/<slug:slug>/comments/feed/atom/",
        cached_page(feeds.ArticleCommentsAtomFeed(), params=()),
        name="article-feed-atom",
    ),
    path(
        "comments/feed/",
        cached_page(feeds.LatestCommentsFeed(), params=(), keys=("comments",)),
        name="feed",
    ),
    path(
        "comments/feed/atom/",
        cached_page(feeds.LatestCommentsAtomFeed(), params=(), keys=("comments",)),
        name="feed-atom",
    ),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
