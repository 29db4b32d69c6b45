"""Organizers: the review queue of applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from camp.access import camps_for_user, get_enrollment_for_user
from camp.errors import error_redirect
from camp.forms import DecisionForm, OfferPhaseForm
from camp.services.enrollment import (
    enrollment_decide,
    enrollment_offer_phase,
    offer_is_expired,
    offer_phase_choices,
    phases_with_places,
    review_queue,
)


@login_required
def enrollment_review(request):
    if not request.user.is_organizer:
        raise PermissionDenied
    camps = [{"camp": camp, "phases": phases_with_places(camp)} for camp in camps_for_user(request.user)]
    rows_by_camp = {item["camp"].pk: item["phases"] for item in camps}
    queue = list(review_queue(request.user))
    for enrollment in queue:
        enrollment.offer_expired = offer_is_expired(enrollment)
        enrollment.phase_choices = offer_phase_choices(enrollment, rows_by_camp.get(enrollment.phase.camp_id, []))
    return render(request, "camp/enrollment_review.html",
                  {"camps": camps, "queue": queue, "form": DecisionForm()})


@login_required
@require_POST
def enrollment_decide_view(request, pk):
    enrollment = get_enrollment_for_user(request.user, pk, decide=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return error_redirect(request, _("Choose approve, waitlist or reject."), "enrollment_review")
    try:
        enrollment = enrollment_decide(by=request.user, enrollment=enrollment, **form.cleaned_data)
    except ValidationError as error:
        return error_redirect(request, error, "enrollment_review")
    else:
        messages.success(request, _("%(group)s, phase %(number)s: %(status)s.") % {
            "group": enrollment.group.name, "number": enrollment.phase.number,
            "status": enrollment.get_status_display()})
    return redirect("enrollment_review")


@login_required
@require_POST
def enrollment_offer_phase_view(request, pk):
    """Offer a waitlisted group a place in another phase of its camp that has room."""
    enrollment = get_enrollment_for_user(request.user, pk, decide=True)
    form = OfferPhaseForm(request.POST)
    if not form.is_valid():
        return error_redirect(request, _("Choose a phase of this camp with room for the group."), "enrollment_review")
    try:
        offer = enrollment_offer_phase(by=request.user, enrollment=enrollment, phase=form.cleaned_data["phase"])
    except ValidationError as error:
        return error_redirect(request, error, "enrollment_review")
    messages.success(request, _("%(group)s is offered a place in phase %(number)s: its coordinators are asked to "
                                "accept it.") % {"group": offer.group.name, "number": offer.phase.number})
    return redirect("enrollment_review")
