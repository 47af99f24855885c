from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("essays/<slug:slug>/comments/", views.post_comment, name="post"),
    path("essays/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="article-feed"),
    path(
        "essays/<slug:slug>/comments/feed/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="article-feed-atom",
    ),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("comments/feed/atom/", feeds.LatestCommentsAtomFeed(), name="feed-atom"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
