from django.conf import settings


def site(request):
    """What every page shows about the site itself, whichever app renders it."""
    return {"SITE_NAME": settings.SITE_NAME}
