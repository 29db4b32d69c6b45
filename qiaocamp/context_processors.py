from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from qiaocamp.registry import app_modules

# Navigation per role: (url name, label). Each app adds its own pages through
# `<app>.selectors.NAVIGATION = {role: [(url name, label), ...]}`, in the registry's order.
BASE_NAVIGATION = {
    "organizer": [("home", _("Home")), ("people", _("People"))],
    "teacher": [("home", _("Home"))],
    "coordinator": [("home", _("Home"))],
    "youth": [("home", _("My camp"))],
}


def navigation_for(role: str) -> list:
    entries = list(BASE_NAVIGATION.get(role, []))
    for module in app_modules("selectors"):
        entries += getattr(module, "NAVIGATION", {}).get(role, [])
    return entries


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for name, label in navigation_for(user.role):
            try:
                items.append({"url": reverse(name), "label": label, "name": name})
            except NoReverseMatch:
                continue
    return {"nav_items": items, "LANGUAGES": settings.LANGUAGES, "SITE_URL": settings.SITE_URL}
