from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("essays/<slug:slug>/comments/", views.post_comment, name="post"),
    path("essays/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="article-feed"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
