from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from articles import legacy
from articles.sitemaps import SITEMAPS
from core.edge.pages import cached_page
from core.views import RobotsView, favicon

admin.site.site_header = f"{settings.SITE_NAME} — editors"
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # A sitemap index, one sitemap per section (essays, sections, topics, authors), each split
    # into pages of 5,000 URLs (?p=2) when large.
    path(
        "sitemap.xml",
        cached_page(sitemap_views.index, keys=("sitemap",)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap_views.sitemap, params=("p",), keys=("sitemap",)),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt", cached_page(RobotsView.as_view(), params=(), keys=("robots",)), name="robots"
    ),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]

if settings.BENCH_ENDPOINTS:
    from bench import endpoints

    urlpatterns = endpoints.urlpatterns + urlpatterns

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Last: any other address may be an imported WordPress site's (legacy.py), which then also
# does APPEND_SLASH's work.
urlpatterns.append(
    re_path(r"^(?P<old_path>.+)$", legacy.wordpress_address, name="wordpress-address")
)

handler500 = "core.views.server_error"
