from django.conf import settings

from .models import Page


def site(request):
    # Lazy: the query runs only when a template shows the footer (never for feeds or JSON).
    footer_pages = Page.objects.published().only("title", "slug")
    return {"SITE_NAME": settings.SITE_NAME, "footer_pages": footer_pages}
