import importlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

# Each app contributes to the role home pages through `<app>.selectors.home_context(user)`.
HOME_CONTEXT_PROVIDERS = ["camp.selectors", "courses.selectors", "live.selectors", "camp.reports.selectors"]


def home_context(user) -> dict:
    context = {}
    for module_name in HOME_CONTEXT_PROVIDERS:
        module = importlib.import_module(module_name)
        context.update(module.home_context(user))
    return context


@login_required
def home(request):
    """Every role lands on its own home page."""
    user = request.user
    context = home_context(user)
    return render(request, f"camp/home_{user.role}.html", context)


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
