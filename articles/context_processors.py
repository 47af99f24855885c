from django.conf import settings

from core.edge.keys import tag

from .models import Page


def site(request):
    # Lazy: the query runs only when a template shows the footer (never for feeds or JSON).
    footer_pages = Page.objects.published().only("title", "slug")
    tag(request, "pages")  # every HTML page lists them in its footer
    return {"SITE_NAME": settings.SITE_NAME, "footer_pages": footer_pages}
