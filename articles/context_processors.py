from core.edge.keys import tag

from .models import Page


def footer_pages(request):
    # Lazy: the query runs only when a template shows the footer (never for feeds or JSON).
    pages = Page.objects.published().only("title", "slug")
    tag(request, "pages")  # every HTML page lists them in its footer
    return {"footer_pages": pages}
