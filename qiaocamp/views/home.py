from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from camp.partials import app_partials
from qiaocamp.language import language_chosen
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
    partials = [p for name in names for p in app_partials(name)]
    if context.get("phase_state") == "finished":
        # Once a youth's camp is over, what they come back for is the certificate: it goes first,
        # right after the camp card, above the days without classes.
        partials.sort(key=lambda name: (not name.startswith("camp/"), not name.startswith("reports/")))
    context.update(partials=partials, page_title=title)
    return render(request, "qiaocamp/home.html", context)


def home(request):
    """Every role lands on its own home page; a youth's is "My camp" plus their home cards. A visitor
    who is not signed in gets the two ways in: the youth's code, the adults' e-mail."""
    if not request.user.is_authenticated:
        return render(request, "qiaocamp/landing.html")
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
    """Django's switcher; the choice is the person's preference, signed in or not (qiaocamp.language)."""
    response = django_set_language(request)
    language_chosen(request, request.POST.get("language", ""))
    if not isinstance(response, HttpResponseRedirect) or not url_has_allowed_host_and_scheme(
        response.url, allowed_hosts={request.get_host()}
    ):
        return HttpResponseRedirect("/")
    return response
