"""Coordinators' group pages: profile, applications for phases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from camp.access import (
    camps_for_user,
    coordinator_may_act,
    get_enrollment_for_user,
    get_group_for_user,
    visible_groups,
)
from camp.errors import error_redirect, form_error
from camp.forms import EnrollmentApplyForm, GroupForm
from camp.models import Camp, not_erased
from camp.services.enrollment import (
    enrollment_create,
    enrollment_offer_accept,
    enrollment_offer_decline,
    enrollment_submit,
    enrollment_withdraw,
    offer_is_expired,
    phases_open_for_enrollment,
)
from camp.services.groups import group_create, group_update


def _adults_who_run_groups(user) -> None:
    if not (user.is_coordinator or user.is_organizer):
        raise PermissionDenied


@login_required
def group_list(request):
    """A coordinator's own groups; an organizer's camps' groups."""
    _adults_who_run_groups(request.user)
    groups = (
        visible_groups(request.user).select_related("camp")
        .annotate(roster_size=Count("participants", filter=not_erased("participants__"), distinct=True),
                  consent_missing=Count("participants", filter=Q(participants__consent_given=False)
                                        & not_erased("participants__"), distinct=True))
        .prefetch_related("enrollments__phase")
        .order_by("camp", "name")
    )
    can_create = coordinator_may_act(request.user)
    return render(request, "camp/group_list.html", {"groups": groups, "can_create": can_create})


def _camps_open_to_groups():
    return Camp.objects.order_by("-year", "title")


@login_required
def group_create_view(request):
    user = request.user
    if not coordinator_may_act(user):
        raise PermissionDenied
    camps = _camps_open_to_groups()
    form = GroupForm(request.POST or None, camps=camps)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(by=user, camp=form.cleaned_data["camp"], **form.service_kwargs())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Group %(name)s is registered. Now apply for a phase.") % {"name": group.name})
            return redirect("group_detail", pk=group.pk)
    return render(request, "camp/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            group_update(by=request.user, group=group, **form.service_kwargs())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The group's profile is saved."))
            return redirect("group_detail", pk=group.pk)
    return render(request, "camp/group_form.html", {"form": form, "group": group})


# Youth without consent named on the group page; the count (roster.consent_missing) says how many in all.
WITHOUT_CONSENT_SHOWN = 30


@login_required
def group_detail(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    enrollments = list(group.enrollments.select_related("phase", "decided_by", "offer_from__phase")
                       .order_by("phase__number"))
    offers = [{"enrollment": e, "expired": offer_is_expired(e)} for e in enrollments
              if e.status == "waitlisted" and e.offered_place_at]
    open_phases = phases_open_for_enrollment(group.camp).exclude(
        enrollments__in=group.enrollments.exclude(status="withdrawn")
    )
    roster = group.participants.on_roster().aggregate(
        size=Count("pk"), consent_missing=Count("pk", filter=Q(consent_given=False)),
        accounts=Count("pk", filter=Q(user__isnull=False)),
    )
    context = {
        "group": group,
        "enrollments": enrollments,
        "offers": offers,
        "apply_form": EnrollmentApplyForm(phases=open_phases) if open_phases.exists() else None,
        "roster": roster,
        "coordinators": group.coordinators.all(),
        # Youth without guardian consent get no account and cannot join: say so before the coordinator submits.
        "without_consent": group.participants.on_roster().filter(consent_given=False).order_by("family_name", "given_name")[
            :WITHOUT_CONSENT_SHOWN],
        "is_organizer": camps_for_user(request.user).filter(pk=group.camp_id).exists(),
    }
    return render(request, "camp/group_detail.html", context)


@login_required
@require_POST
def enrollment_apply(request, pk):
    """Apply for a phase: save a draft, or submit at once."""
    group = get_group_for_user(request.user, pk, manage=True)
    form = EnrollmentApplyForm(request.POST, phases=phases_open_for_enrollment(group.camp))
    if not form.is_valid():
        return error_redirect(request, _("Choose a phase that is open for enrollment."), "group_detail", pk=group.pk)
    submit = request.POST.get("action") == "submit"
    try:
        enrollment = enrollment_create(by=request.user, group=group, phase=form.cleaned_data["phase"], submit=submit)
    except ValidationError as error:
        return error_redirect(request, error, "group_detail", pk=group.pk)
    else:
        if submit:
            messages.success(request, _("Your application for phase %(number)s is sent to the organizers.")
                             % {"number": enrollment.phase.number})
        else:
            messages.success(request, _("Draft saved for phase %(number)s. Import your roster, then submit.")
                             % {"number": enrollment.phase.number})
    return redirect("group_detail", pk=group.pk)


@login_required
@require_POST
def enrollment_submit_view(request, pk):
    enrollment = get_enrollment_for_user(request.user, pk)
    try:
        enrollment_submit(by=request.user, enrollment=enrollment)
    except ValidationError as error:
        return error_redirect(request, error, "group_detail", pk=enrollment.group_id)
    else:
        messages.success(request, _("Your application for phase %(number)s is sent to the organizers.")
                         % {"number": enrollment.phase.number})
        missing = enrollment.group.participants.on_roster().filter(consent_given=False).count()
        if missing:
            messages.warning(request, ngettext(
                "%(count)s youth has no guardian consent yet: they get no account and cannot join until "
                "you record it on the roster.",
                "%(count)s youth have no guardian consent yet: they get no account and cannot join until "
                "you record it on the roster.", missing) % {"count": missing})
    return redirect("group_detail", pk=enrollment.group_id)


@login_required
@require_POST
def enrollment_withdraw_view(request, pk):
    enrollment = get_enrollment_for_user(request.user, pk)
    try:
        enrollment_withdraw(by=request.user, enrollment=enrollment)
    except ValidationError as error:
        return error_redirect(request, error, "group_detail", pk=enrollment.group_id)
    else:
        messages.success(request, _("The application for phase %(number)s is withdrawn.")
                         % {"number": enrollment.phase.number})
    return redirect("group_detail", pk=enrollment.group_id)


@login_required
@require_POST
def enrollment_offer_accept_view(request, pk):
    """The coordinator takes the place offered to the waitlisted group."""
    enrollment = get_enrollment_for_user(request.user, pk)
    try:
        enrollment = enrollment_offer_accept(by=request.user, enrollment=enrollment)
    except ValidationError as error:
        return error_redirect(request, error, "group_detail", pk=enrollment.group_id)
    messages.success(request, _("Your group has its place in phase %(number)s: its youth's accounts are ready, "
                                "print the login cards.") % {"number": enrollment.phase.number})
    return redirect("group_detail", pk=enrollment.group_id)


@login_required
@require_POST
def enrollment_offer_decline_view(request, pk):
    """The coordinator says no to the place offered; it goes to the next group in line."""
    enrollment = get_enrollment_for_user(request.user, pk)
    try:
        enrollment = enrollment_offer_decline(by=request.user, enrollment=enrollment)
    except ValidationError as error:
        return error_redirect(request, error, "group_detail", pk=enrollment.group_id)
    messages.success(request, _("You declined the place in phase %(number)s.") % {"number": enrollment.phase.number})
    return redirect("group_detail", pk=enrollment.group_id)
