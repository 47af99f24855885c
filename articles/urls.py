from django.urls import path, re_path

from core.edge.pages import cached_page

from . import feeds, legacy, views

app_name = "articles"

urlpatterns = [
    path(
        "",
        legacy.wordpress_queries(cached_page(views.HomeView.as_view(), keys=("home",))),
        name="home",
    ),
    path(
        "essays/<slug:slug>/",
        cached_page(views.ArticleDetailView.as_view(), params=(), bypass=("replyto",)),
        name="detail",
    ),
    path("essays/<slug:slug>/social.png", views.social_image, name="social-image"),
    path("sections/<slug:slug>/", cached_page(views.SectionView.as_view()), name="section"),
    path("topics/<slug:slug>/", cached_page(views.TopicView.as_view()), name="topic"),
    path("authors/<slug:slug>/", cached_page(views.AuthorView.as_view()), name="author"),
    path("archive/", cached_page(views.ArchiveIndexView.as_view(), params=()), name="archive"),
    path("search/", cached_page(views.SearchView.as_view(), params=("q", "page")), name="search"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        cached_page(views.MonthView.as_view()),
        name="month",
    ),
    path("pages/<slug:slug>/", cached_page(views.PageView.as_view(), params=()), name="page"),
    # Old Blogger addresses (legacy.py).
    re_path(
        r"^(?P<old_path>(?:[0-9]{4}/[0-9]{2}|p)/[^/]+\.html)$",
        legacy.old_address,
        name="legacy-redirect",
    ),
    path("feeds/posts/default", legacy.posts_feed, name="legacy-posts-feed"),
    path("feeds/posts/default/-/<str:label>", legacy.label_feed, name="legacy-label-feed"),
    path("feeds/comments/default", legacy.comments_feed, name="legacy-comments-feed"),
    path(
        "feeds/<int:post_id>/comments/default",
        legacy.post_comments_feed,
        name="legacy-post-comments-feed",
    ),
    path("search/label/<str:label>", legacy.label_page, name="legacy-label"),
    path("feed/", cached_page(feeds.LatestEssaysFeed(), params=(), keys=("feed",)), name="feed"),
    path(
        "feed/atom/",
        cached_page(feeds.LatestEssaysAtomFeed(), params=(), keys=("feed",)),
        name="feed-atom",
    ),
    path(
        "sections/<slug:slug>/feed/",
        cached_page(feeds.SectionFeed(), params=()),
        name="section-feed",
    ),
    path(
        "sections/<slug:slug>/feed/atom/",
        cached_page(feeds.SectionAtomFeed(), params=()),
        name="section-feed-atom",
    ),
    path("topics/<slug:slug>/feed/", cached_page(feeds.TopicFeed(), params=()), name="topic-feed"),
    path(
        "topics/<slug:slug>/feed/atom/",
        cached_page(feeds.TopicAtomFeed(), params=()),
        name="topic-feed-atom",
    ),
    path(
        "authors/<slug:slug>/feed/", cached_page(feeds.AuthorFeed(), params=()), name="author-feed"
    ),
    path(
        "authors/<slug:slug>/feed/atom/",
        cached_page(feeds.AuthorAtomFeed(), params=()),
        name="author-feed-atom",
    ),
]
