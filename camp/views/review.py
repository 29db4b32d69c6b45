"""Organizers: the review queue of applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from camp.access import camps_for_user, get_enrollment_for_user
from camp.errors import error_redirect
from camp.forms import DecisionForm
from camp.services.enrollment import enrollment_decide, phases_with_places, review_queue


@login_required
def enrollment_review(request):
    if not request.user.is_organizer:
        raise PermissionDenied
    camps = [{"camp": camp, "phases": phases_with_places(camp)} for camp in camps_for_user(request.user)]
    queue = list(review_queue(request.user))
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
