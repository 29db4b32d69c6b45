"""Organizers: their camps and the camps' phases, with places taken and free."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from camp.access import camps_for_user, get_camp_for_user, get_phase_for_user
from camp.errors import form_error
from camp.forms import CampForm, PhaseForm
from camp.selectors import organizer_camps
from camp.services.camps import camp_create, camp_update, phase_create, phase_update


def _organizer_only(user) -> None:
    if not user.is_organizer:
        raise PermissionDenied


@login_required
def camp_list(request):
    """The camps the organizer runs, each with its phases and their places."""
    _organizer_only(request.user)
    return render(request, "camp/camp_list.html", {"camps": organizer_camps(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def camp_create_view(request):
    _organizer_only(request.user)
    form = CampForm(request.POST or None, organizer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            camp = camp_create(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The camp %(title)s is created. Now add its first phase.")
                             % {"title": camp.title})
            return redirect("phase_create", pk=camp.pk)
    return render(request, "camp/camp_form.html", {"form": form, "camp": None,
                                                    "first": not camps_for_user(request.user).exists()})


@login_required
@require_http_methods(["GET", "POST"])
def camp_edit(request, pk):
    camp = get_camp_for_user(request.user, pk)
    form = CampForm(request.POST or None, camp=camp)
    if request.method == "POST" and form.is_valid():
        try:
            camp = camp_update(by=request.user, camp=camp, **form.service_kwargs())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The camp %(title)s is saved.") % {"title": camp.title})
            return redirect("camp_list")
    return render(request, "camp/camp_form.html", {"form": form, "camp": camp})


@login_required
@require_http_methods(["GET", "POST"])
def phase_create_view(request, pk):
    camp = get_camp_for_user(request.user, pk)
    form = PhaseForm(request.POST or None, camp=camp)
    if request.method == "POST" and form.is_valid():
        try:
            phase = phase_create(by=request.user, camp=camp, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Phase %(number)s of %(camp)s is added.")
                             % {"number": phase.number, "camp": camp.title})
            return redirect("camp_list")
    return render(request, "camp/phase_form.html", {"form": form, "camp": camp, "phase": None})


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request, pk):
    phase = get_phase_for_user(request.user, pk)
    form = PhaseForm(request.POST or None, camp=phase.camp, phase=phase)
    if request.method == "POST" and form.is_valid():
        try:
            phase = phase_update(by=request.user, phase=phase, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Phase %(number)s of %(camp)s is saved.")
                             % {"number": phase.number, "camp": phase.camp.title})
            return redirect("camp_list")
    return render(request, "camp/phase_form.html", {"form": form, "camp": phase.camp, "phase": phase})
