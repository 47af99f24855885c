from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("essays/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("essays/<slug:slug>/social.png", views.social_image, name="social-image"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("search/", views.SearchView.as_view(), name="search"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        views.MonthView.as_view(),
        name="month",
    ),
    re_path(
        r"^(?P<old_path>[0-9]{4}/[0-9]{2}/[^/]+\.html)$",
        views.legacy_redirect,
        name="legacy-redirect",
    ),
    path("feed/", feeds.LatestEssaysFeed(), name="feed"),
    path("feed/atom/", feeds.LatestEssaysAtomFeed(), name="feed-atom"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
    path("topics/<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic-feed-atom"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
]
