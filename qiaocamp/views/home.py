from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from camp.partials import app_partials
from qiaocamp.registry import app_modules


def home_context(user) -> dict:
    context = {}
    # Each app contributes to the role home pages through `<app>.selectors.home_context(user)`.
    for module in app_modules("selectors"):
        if hasattr(module, "home_context"):
            context.update(module.home_context(user))
    return context


def _page(request, names: list[str], title):
    context = home_context(request.user)
    context.update(partials=[p for name in names for p in app_partials(name)], page_title=title)
    return render(request, "qiaocamp/home.html", context)


@login_required
def home(request):
    """Every role lands on its own home page; a youth's is "My camp" plus their home cards."""
    role = request.user.role
    names = ["my_camp", "home_youth"] if request.user.is_youth else [f"home_{role}"]
    return _page(request, names, _("Home"))


@login_required
def my_camp(request):
    """The youth's page: their group, today's classes and rooms, their certificates."""
    if not request.user.is_youth:
        raise PermissionDenied
    return _page(request, ["my_camp"], _("My camp"))


@require_POST
def set_language(request):
    """Django's switcher, plus the signed-in user's stored preference."""
    language = request.POST.get("language", "")
    response = django_set_language(request)
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    if not isinstance(response, HttpResponseRedirect) or not url_has_allowed_host_and_scheme(
        response.url, allowed_hosts={request.get_host()}
    ):
        return HttpResponseRedirect("/")
    return response
