from django.conf import settings

from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    items = navigation_for(user) if user is not None else []
    more = [item for item in items if item["more"]]
    if len(more) < 2:  # a "More" menu of one entry is one click for nothing
        more = []
    return {
        "nav_items": [item for item in items if item not in more],
        "nav_more": more,
        "LANGUAGES": settings.LANGUAGES,
    }
