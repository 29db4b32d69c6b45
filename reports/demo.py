"""This app's part of the demo camp (see camp/management/commands/seed_demo.py); runs last.

For every finished phase of the demo camp whose live sessions were held (the live app seeds
their attendance spans), it nominates two outstanding campers per group and issues the
certificates due, so the dashboard and a verification page show real figures at once.
The second demo youth (join code DEMO-YOUTH-02, 寮龚侨校, phase 1) is made sure to complete:
where the spans leave them short, their teacher records corrections (e.g. they followed the
class on the school's shared screen) — the same thing a teacher would do in the app.
Idempotent: nominations and corrections are only added when missing; certificates_issue keeps
what is already issued.
"""

from django.db.models import Q
from django.utils import timezone

from camp.models import Camp, Enrollment, JoinCode, Participant, User
from live.models import LiveSession
from reports import services
from reports.attendance import HELD, attendance_book, session_infos
from reports.models import AttendanceStatus, Nomination
from reports.selectors import phase_standings

DEMO_YOUTH_CODE = "DEMO-YOUTH-02"
CITATIONS = ["书法作品工整，课堂积极发言。", "剪纸作品富有创意，乐于帮助同伴。"]
CORRECTION_REASON = "与同学在学校机房共用一台电脑上课，老师在视频中看到本人全程参加。"


def seed(stdout) -> None:
    camp = Camp.objects.filter(federation="普洱市侨联", year=2023).first()
    if camp is None:
        stdout.write("reports: no demo camp, nothing to do")
        return
    today = timezone.localdate()
    finished = list(camp.phases.filter(ends_on__lt=today).order_by("number"))
    held = LiveSession.objects.filter(HELD, plan_item__plan__phase__in=finished)
    if not held.exists():
        stdout.write("reports: no held live sessions in finished phases yet, no certificates issued")
        return
    _complete_demo_youth(today)
    issued = 0
    for phase in finished:
        enrollments = Enrollment.objects.filter(phase=phase, status=Enrollment.Status.APPROVED).select_related(
            "group__camp")
        for enrollment in enrollments:
            group = enrollment.group
            if not held.filter(plan_item__plan__group=group, plan_item__plan__phase=phase).exists():
                continue
            _nominate(group, phase)
            issued += len(services.certificates_issue(group=group, phase=phase, by=camp.organizer))
    stdout.write(f"reports: {issued} certificates issued")


def _nominate(group, phase) -> None:
    if Nomination.objects.filter(phase=phase, participant__group=group).exists():
        return
    teacher_id = (
        LiveSession.objects.filter(plan_item__plan__group=group, plan_item__plan__phase=phase,
                                   plan_item__teacher__isnull=False)
        .order_by("plan_item__starts_at").values_list("plan_item__teacher", flat=True).first()
    )
    nominated_by = User.objects.get(pk=teacher_id) if teacher_id else group.camp.organizer
    standings = [s for s in phase_standings(group, phase) if s.completed]
    # As an organizer would choose: attendance first, then check-ins, homework accepted and the showcase.
    standings.sort(key=lambda s: (-(s.rate or 0), -(s.life.checkin_rate or 0), -s.life.homework_accepted,
                                  -s.life.showcase, s.participant.pk))
    for standing, citation in zip(standings[:2], CITATIONS, strict=False):
        services.nomination_set(participant=standing.participant, phase=phase, citation=citation,
                                by=nominated_by)


def _complete_demo_youth(today) -> None:
    code = JoinCode.objects.filter(Q(code=DEMO_YOUTH_CODE) | Q(key=DEMO_YOUTH_CODE.replace("-", ""))).first()
    participant = Participant.objects.filter(user_id=code.user_id).select_related("group__camp").first() if code else None
    if participant is None:
        return
    group = participant.group
    for enrollment in group.enrollments.filter(status=Enrollment.Status.APPROVED, phase__ends_on__lt=today):
        phase = enrollment.phase
        scope = Q(plan_item__plan__group=group, plan_item__plan__phase=phase)
        book = attendance_book(session_infos(LiveSession.objects.filter(scope)), [participant], scope)
        held = sorted(book.held_sessions_of(group.pk, phase.pk), key=lambda s: s.planned_start)
        attended = sum(1 for s in held if book.marks[(s.id, participant.pk)].attended)
        # The fewest corrections that bring the youth to the camp's threshold.
        needed = -(-group.camp.completion_threshold * len(held) // 100) - attended
        missed = [s.id for s in held if not book.marks[(s.id, participant.pk)].attended][:max(needed, 0)]
        sessions = LiveSession.objects.filter(pk__in=missed).select_related("plan_item__teacher", "plan_item__plan")
        for session in sessions:
            services.attendance_correct(session=session, participant=participant, status=AttendanceStatus.PRESENT,
                                        reason=CORRECTION_REASON,
                                        by=session.plan_item.teacher or group.camp.organizer)
