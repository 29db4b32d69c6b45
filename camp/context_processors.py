from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Navigation per role: (url name, label). Each app adds its pages here.
NAVIGATION = {
    "organizer": [
        ("home", _("Home")),
        ("people", _("People")),
    ],
    "teacher": [
        ("home", _("Home")),
    ],
    "coordinator": [
        ("home", _("Home")),
    ],
    "youth": [
        ("home", _("My camp")),
    ],
}


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for name, label in NAVIGATION.get(user.role, []):
            try:
                items.append({"url": reverse(name), "label": label, "name": name})
            except Exception:  # a page that another app has not shipped yet
                continue
    return {"nav_items": items, "LANGUAGES": settings.LANGUAGES, "SITE_URL": settings.SITE_URL}
