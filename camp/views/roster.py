"""The roster pages: participants, consent, roster files, join codes and login cards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from camp.access import get_group_for_user, get_participant_for_user, get_roster_import_for_user
from camp.errors import error_redirect, form_error
from camp.forms import ParticipantForm, RosterUploadForm
from camp.forms_guardian import BulkPaperConsentForm, PaperConsentForm
from camp.links import row_link
from camp.models import GuardianMessage, JoinCode
from camp.services.cards import login_cards
from camp.services.consent import consent_record_paper, consent_record_paper_bulk, consent_summaries
from camp.services.enrollment import group_roster_phase
from camp.services.join import join_code_reissue, join_code_revoke
from camp.services.roster import (
    COLUMNS,
    REQUIRED,
    TEMPLATE_HELP,
    participant_create,
    participant_delete,
    participant_update,
    roster_import_confirm,
    roster_import_preview,
    roster_template,
)

PREVIEW_ROWS = 100
# Youth on one page of the roster (a roster of thousands stays one quick page at a time).
ROSTER_PAGE = 100


@login_required
def roster(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    everybody = group.participants.on_roster().order_by("family_name", "given_name", "pk")
    page = Paginator(everybody.select_related("user", "consent_recorded_by"), ROSTER_PAGE).get_page(
        request.GET.get("page"))
    participants = list(page.object_list)
    codes = dict(
        JoinCode.objects.filter(user__in=[p.user_id for p in participants if p.user_id], revoked_at__isnull=True)
        .values_list("user_id", "code")
    )
    summaries = consent_summaries(participants)
    # Each row's links from one reverse per kind of link (camp/links.py).
    links = {
        name: row_link(name, group.pk)
        for name in ("guardian_link_page", "participant_consent", "join_code_reissue", "join_code_revoke",
                     "participant_edit", "participant_delete")
    }
    youth_data = row_link("privacy:youth_data") if request.user.is_organizer else None
    for participant in participants:
        participant.active_code = codes.get(participant.user_id)
        participant.consent_summary = summaries.get(participant.pk)
        participant.links = {name: link(participant.pk) for name, link in links.items()}
        if youth_data:
            participant.links["youth_data"] = youth_data(participant.pk)
    context = {
        "group": group,
        "participants": participants,
        "page": page,
        "size": page.paginator.count,
        "phase": group_roster_phase(group),
        "consent_missing": everybody.filter(consent_given=False).count(),
        "guardian_questions": GuardianMessage.objects.filter(participant__group=group).count(),
    }
    return render(request, "camp/roster.html", context)


@login_required
def participant_create_view(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    form = ParticipantForm(
        request.POST or None,
        initial={"preferred_language": group.languages[0] if group.languages else "zh-hans",
                 "chinese_level": group.chinese_level},
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant = participant_create(by=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s is on the roster.") % {"name": participant.full_name})
            return redirect("roster", pk=group.pk)
    return render(request, "camp/participant_form.html", {"form": form, "group": group, "participant": None})


@login_required
def participant_edit(request, pk, participant_pk):
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    form = ParticipantForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        try:
            participant_update(by=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": participant.full_name})
            return redirect("roster", pk=group.pk)
    return render(request, "camp/participant_form.html", {"form": form, "group": group, "participant": participant})


@login_required
def participant_delete_view(request, pk, participant_pk):
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    if request.method == "POST":
        participant_delete(by=request.user, participant=participant)
        messages.success(request, _("%(name)s is removed from the roster.") % {"name": participant.full_name})
        return redirect("roster", pk=group.pk)
    return render(request, "camp/participant_delete.html", {"group": group, "participant": participant})


@login_required
def participant_consent(request, pk, participant_pk):
    """Record paper consent (or a guardian's written message, in person): marked as such, with who recorded it."""
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    form = PaperConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record_paper(by=request.user, participant=participant, agreed=form.cleaned_data["items"],
                                 method=form.cleaned_data["method"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Paper consent for %(name)s is recorded.") % {"name": participant.full_name})
            return redirect("roster", pk=group.pk)
    return render(request, "camp/participant_consent.html", {"form": form, "group": group, "participant": participant})


@login_required
def roster_consent_bulk(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    waiting = list(group.participants.on_roster().filter(consent_given=False))
    form = BulkPaperConsentForm(request.POST or None, participants=waiting)
    if request.method == "POST" and form.is_valid():
        try:
            count = consent_record_paper_bulk(by=request.user, group=group,
                                              participant_ids=form.cleaned_data["participants"],
                                              attestation=form.cleaned_data["attestation"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Paper consent recorded for %(count)s youth.") % {"count": count})
            return redirect("roster", pk=group.pk)
    return render(request, "camp/roster_consent_bulk.html", {"form": form, "group": group, "waiting": waiting})


def _template_help():
    return [{"key": key, "required": key in REQUIRED, "label": label, "help": help_text}
            for (key, _required, label), (_key, help_text) in zip(COLUMNS, TEMPLATE_HELP, strict=True)]


@login_required
def roster_import(request, pk):
    """Upload a roster file; it is checked and kept for the preview, the roster is not touched."""
    group = get_group_for_user(request.user, pk, manage=True)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        pending = roster_import_preview(by=request.user, group=group, file_name=upload.name,
                                        data=upload.read(5 * 1024 * 1024 + 1))
        return redirect("roster_import_preview", pk=group.pk, import_pk=pending.pk)
    return render(request, "camp/roster_import.html",
                  {"form": form, "group": group, "columns": _template_help(), "phase": group_roster_phase(group)})


@login_required
def roster_import_preview_view(request, pk, import_pk):
    group, pending = get_roster_import_for_user(request.user, pk, import_pk)
    problem_lines = {problem["line"] for problem in pending.problems}
    by_cell = {}
    for problem in pending.problems:
        by_cell.setdefault((problem["line"], problem["column"]), []).append(problem["message"])
    keys = [key for key, _required, _label in COLUMNS]
    # The rows with problems first, then the first rows of the file: enough to recognise it.
    shown = [row for row in pending.rows if row["line"] in problem_lines]
    shown += [row for row in pending.rows[:PREVIEW_ROWS] if row["line"] not in problem_lines]
    shown.sort(key=lambda row: row["line"])
    table = [
        {"line": row["line"], "has_problem": row["line"] in problem_lines,
         "cells": [{"key": key, "value": row["cells"].get(key, ""), "problems": by_cell.get((row["line"], key), [])}
                   for key in keys],
         "row_problems": by_cell.get((row["line"], ""), [])}
        for row in shown
    ]
    context = {
        "group": group,
        "pending": pending,
        "keys": keys,
        "table": table,
        "file_problems": [p for p in pending.problems if p["line"] in (0, 1) and not p["column"]],
        "problem_rows": len(problem_lines - {0}),
        "hidden_rows": max(len(pending.rows) - len(shown), 0),
        "form": RosterUploadForm(),
        "columns": _template_help(),
    }
    return render(request, "camp/roster_import_preview.html", context)


@login_required
@require_POST
def roster_import_confirm_view(request, pk, import_pk):
    group, pending = get_roster_import_for_user(request.user, pk, import_pk)
    try:
        count = roster_import_confirm(by=request.user, roster_import=pending)
    except ValidationError as error:
        return error_redirect(request, error, "roster_import_preview", pk=group.pk, import_pk=pending.pk)
    messages.success(request, _("%(count)s youth imported to the roster.") % {"count": count})
    return redirect("roster", pk=group.pk)


@login_required
def roster_template_view(request, pk):
    get_group_for_user(request.user, pk, manage=True)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            roster_template("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="qiaocamp-roster.xlsx"'
    else:
        response = HttpResponse(roster_template("csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="qiaocamp-roster.csv"'
    return response


@login_required
@require_POST
def join_code_reissue_view(request, pk, participant_pk):
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    try:
        join_code = join_code_reissue(by=request.user, participant=participant)
    except ValidationError as error:
        return error_redirect(request, error, "roster", pk=group.pk)
    else:
        messages.success(request, _("New code for %(name)s: %(code)s. The old code no longer works.")
                         % {"name": participant.full_name, "code": join_code.code})
    return redirect("roster", pk=group.pk)


@login_required
@require_POST
def join_code_revoke_view(request, pk, participant_pk):
    group, participant = get_participant_for_user(request.user, pk, participant_pk)
    try:
        join_code_revoke(by=request.user, participant=participant)
    except ValidationError as error:
        return error_redirect(request, error, "roster", pk=group.pk)
    else:
        messages.success(request, _("The code of %(name)s no longer works.") % {"name": participant.full_name})
    return redirect("roster", pk=group.pk)


@login_required
def login_cards_view(request, pk):
    """Printable login cards for the whole group (print, or save as PDF from the browser): every youth
    on the roster, the guardian's half with their consent link."""
    group = get_group_for_user(request.user, pk, manage=True)
    cards = login_cards(group, by=request.user)
    context = {"group": group, "cards": cards, "without_code": [card for card in cards if not card.code]}
    return render(request, "camp/login_cards.html", context)
