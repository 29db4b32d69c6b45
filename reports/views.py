from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camp.access import camps_for_user, visible_groups
from camp.errors import error_redirect, form_error
from camp.models import Enrollment
from camp.ratelimit import client_address
from reports import access, services
from reports.camp_life import study_grid
from reports.charts import bar_chart
from reports.exports import export_response
from reports.forms import CorrectionForm, NominationForm, RevokeForm
from reports.models import AttendanceCorrection, Certificate
from reports.pdf import certificate_pdf, certificates_zip
from reports.selectors import (
    STANDING_SORTS,
    dashboard,
    group_report,
    phase_standings,
    phases_of_group,
    sort_standings,
)

EXPORT_FORMATS = ("csv", "xlsx")


def _export_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return fmt


@login_required
@require_GET
def index(request):
    """Where each adult finds their reports."""
    user = request.user
    if user.is_youth:
        raise PermissionDenied
    camps = list(camps_for_user(user).order_by("-year", "title")) if user.is_organizer else []
    years = sorted({c.year for c in camps}, reverse=True)
    groups = visible_groups(user).select_related("camp").order_by("camp__title", "name")
    if user.is_teacher:
        groups = groups.filter(plans__items__teacher=user).distinct()
    return render(request, "reports/index.html", {"camps": camps, "years": years, "groups": list(groups)})


def _dashboard_context(report) -> dict:
    return {
        "report": report,
        "tables": report.tables(),
        "chart_country": bar_chart(chart_id="chart-youth-by-country", title=_("Youth by country"),
                                   rows=report.chart_youth_by_country()),
        "chart_phase": bar_chart(chart_id="chart-attendance-by-phase", title=_("Attendance rate per phase (%)"),
                                 rows=report.chart_attendance_by_phase(), maximum=100, css_class="percent"),
    }


@login_required
@require_GET
def camp_dashboard(request, pk):
    camp = access.get_camp_for_reports(request.user, pk)
    report = dashboard([camp], camp.title)
    context = _dashboard_context(report) | {"camp": camp,
                                            "export_url_name": "reports:camp_export", "export_arg": camp.pk}
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def camp_export(request, pk, fmt):
    fmt = _export_format(fmt)
    camp = access.get_camp_for_reports(request.user, pk)
    report = dashboard([camp], camp.title)
    return export_response(report.tables(), fmt, f"camp-{camp.pk}-{camp.year}-report")


@login_required
@require_GET
def year_dashboard(request, year):
    camps = access.camps_of_year(request.user, year)
    report = dashboard(camps, _("The year %(year)s") % {"year": year})
    context = _dashboard_context(report) | {"year": year, "export_url_name": "reports:year_export",
                                            "export_arg": year}
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def year_export(request, year, fmt):
    fmt = _export_format(fmt)
    camps = access.camps_of_year(request.user, year)
    report = dashboard(camps, str(year))
    return export_response(report.tables(), fmt, f"year-{year}-report")


@login_required
@require_GET
def group_report_view(request, pk):
    group = access.get_group_for_report(request.user, pk)
    report = group_report(group)
    sessions_by_item = {s.plan_item_id: s for s in report.book.sessions.values()}
    plan_rows = [(item, sessions_by_item.get(item.pk)) for item in report.items]
    return render(request, "reports/group.html", {
        "group": group, "report": report, "plan_rows": plan_rows, "held": report.held,
        "youth_rows": [report.youth_totals(p) for p in report.participants],
        "session_totals": [(s, report.session_totals(s)) for s in report.held],
        "totals": report.totals,
    })


@login_required
@require_GET
def group_export(request, pk, fmt):
    fmt = _export_format(fmt)
    group = access.get_group_for_report(request.user, pk)
    return export_response(group_report(group).tables(), fmt, f"group-{group.pk}-report")


@login_required
@require_GET
def group_study(request, pk):
    """One group's self-study and quizzes, youth by class; `?phase=<pk>` for one approved phase."""
    group = access.get_group_for_study(request.user, pk)
    phases = phases_of_group(group)
    raw = request.GET.get("phase", "")
    phase = None
    if raw:
        phase = next((p for p in phases if raw.isascii() and raw.isdigit() and str(p.pk) == raw), None)
        if phase is None:
            raise Http404
    return render(request, "reports/study.html", {
        "group": group, "grid": study_grid(group, phase), "phases": phases, "phase": phase,
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk):
    """One session's attendance, with the correction form for its teacher and the organizers."""
    session = access.get_session_for_correction(request.user, pk)
    group = session.group
    may_correct = access.can_correct(request.user, session)
    participants = group.participants.order_by("family_name", "given_name", "pk")
    form = CorrectionForm(request.POST or None, participants=participants)
    if request.method == "POST":
        if not may_correct:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.attendance_correct(session=session, participant=form.cleaned_data["participant"],
                                            status=form.cleaned_data["status"], reason=form.cleaned_data["reason"],
                                            by=request.user)
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The correction is recorded."))
                return redirect("reports:session_attendance", pk=session.pk)
    report = group_report(group)
    info = report.book.sessions.get(session.pk)
    rows = [(p, report.mark(session.pk, p.pk)) for p in report.participants] if info and info.held else []
    history = AttendanceCorrection.objects.filter(session=session).select_related("participant", "corrected_by")
    return render(request, "reports/session_attendance.html", {
        "session": session, "group": group, "info": info, "rows": rows, "form": form,
        "may_correct": may_correct and bool(info and info.held), "history": history.order_by("-corrected_at"),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def group_certificates(request, pk):
    group = access.get_group_for_certificates(request.user, pk)
    phases = phases_of_group(group)
    participants = group.participants.order_by("family_name", "given_name", "pk")
    sort = request.GET.get("sort", "")
    sort = sort if sort in STANDING_SORTS else "name"
    sections = [{"phase": phase, "standings": sort_standings(phase_standings(group, phase), sort),
                 "form": NominationForm(participants=participants)} for phase in phases]
    user = request.user
    return render(request, "reports/certificates.html", {
        "group": group, "sections": sections, "threshold": group.camp.completion_threshold, "sort": sort,
        "sorts": [(key, label) for key, (label, _key) in STANDING_SORTS.items()],
        "may_issue": user.is_organizer, "may_nominate": user.is_teacher or user.is_organizer,
        "may_download": user.is_organizer or user.is_coordinator,
        "revoke_form": RevokeForm(),
    })


@login_required
@require_GET
def group_certificates_zip(request, pk):
    group = access.get_group_for_certificates(request.user, pk, manage=True)
    certificates = list(
        Certificate.objects.filter(participant__group=group, revoked_at__isnull=True).order_by("phase", "code")
    )
    if not certificates:
        raise Http404
    response = HttpResponse(certificates_zip(certificates), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-group-{group.pk}.zip"'
    return response


def _group_and_phase(request, pk, phase_pk):
    group = access.get_group_for_report(request.user, pk)
    phase = access.get_phase_of_group(group, phase_pk)
    if not Enrollment.objects.filter(group=group, phase=phase, status=Enrollment.Status.APPROVED).exists():
        raise Http404
    return group, phase


@login_required
@require_POST
def certificates_issue_view(request, pk, phase_pk):
    group, phase = _group_and_phase(request, pk, phase_pk)
    access.require_organizer_of(request.user, group)
    try:
        issued = services.certificates_issue(group=group, phase=phase, by=request.user)
    except ValidationError as error:
        return error_redirect(request, error, "reports:group_certificates", pk=group.pk)
    messages.success(request, _("%(count)s certificates issued.") % {"count": len(issued)})
    return redirect("reports:group_certificates", pk=group.pk)


@login_required
@require_POST
def nomination_view(request, pk, phase_pk):
    group, phase = _group_and_phase(request, pk, phase_pk)
    access.require_nominator(request.user, group)
    form = NominationForm(request.POST, participants=group.participants.all())
    if not form.is_valid():
        return error_redirect(request, ValidationError(form.errors.as_data()), "reports:group_certificates",
                              pk=group.pk)
    try:
        services.nomination_set(participant=form.cleaned_data["participant"], phase=phase,
                                citation=form.cleaned_data["citation"], by=request.user)
    except ValidationError as error:
        return error_redirect(request, error, "reports:group_certificates", pk=group.pk)
    messages.success(request, _("The nomination is saved."))
    return redirect("reports:group_certificates", pk=group.pk)


@login_required
@require_GET
def certificate_download(request, code):
    certificate = access.get_certificate_for_user(request.user, code)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.filename}"'
    return response


def _certificate_action(request, code, *, action: str):
    """Revoke or reissue, in two steps, both POST: the list's button (with a reason, or not) opens
    the confirmation page, which shows what is changed and asks for the reason; its button
    (confirm=yes) does it. A refusal is shown on the confirmation page, nothing changed."""
    certificate = access.get_certificate_for_user(request.user, code, manage=True)
    page = reverse("reports:group_certificates", args=[certificate.participant.group_id])
    confirmed = request.POST.get("confirm") == "yes"
    form = RevokeForm(request.POST if confirmed else None, initial={"reason": request.POST.get("reason", "")[:300]})
    status = 200
    if confirmed:
        if form.is_valid():
            try:
                if action == "revoke":
                    services.certificate_revoke(certificate=certificate, by=request.user,
                                                reason=form.cleaned_data["reason"])
                    messages.success(request, _("Certificate %(code)s is revoked.") % {"code": certificate.code})
                else:
                    new = services.certificate_reissue(certificate=certificate, by=request.user,
                                                       reason=form.cleaned_data["reason"])
                    messages.success(request, _("Reissued as %(code)s.") % {"code": new.code})
            except ValidationError as error:
                form_error(form, error)
            else:
                return redirect(page)
        status = 400
    return render(request, "reports/certificate_confirm.html", {
        "certificate": certificate, "form": form, "action": action, "back": page,
        "group": certificate.participant.group,
    }, status=status)


@login_required
@require_POST
def certificate_revoke_view(request, code):
    return _certificate_action(request, code, action="revoke")


@login_required
@require_POST
def certificate_reissue_view(request, code):
    return _certificate_action(request, code, action="reissue")


@never_cache
@require_GET
def verify(request, code):
    """Public: confirms a certificate with the least a stranger needs (no family name, no group)."""
    # The address the proxy saw (qiaocamp.middleware.ClientAddressMiddleware), as for join codes.
    if access.verify_rate_limited(client_address(request)):
        response = render(request, "reports/verify.html", {"limited": True}, status=429)
        response["Retry-After"] = str(access.VERIFY_RATE_LIMIT[1])
        return response
    certificate = (
        Certificate.objects.filter(code=services.normalize_code(code))
        .only("code", "kind", "given_name", "camp_title", "phase_number", "starts_on", "ends_on", "issued_at",
              "time_zone", "revoked_at", "issuer")
        .first()
    )
    if certificate is None:
        return render(request, "reports/verify.html", {"code": code}, status=404)
    return render(request, "reports/verify.html", {"certificate": certificate})


@require_GET
def verify_form(request):
    """Public: a box to type the code printed on a certificate; ``?code=`` goes to its page."""
    typed = (request.GET.get("code") or "")[:64]
    code = "".join(ch for ch in services.normalize_code(typed) if ch.isalnum() or ch == "-")
    if code:
        return redirect("reports:verify", code=code)
    if typed.strip():  # nothing of it can be a code
        return render(request, "reports/verify.html", {"code": typed}, status=404)
    return render(request, "reports/verify.html", {"ask": True})
