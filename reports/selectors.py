"""Reads behind the reports: the organizer's dashboard, the group report, completion.

Every builder reads a fixed number of queries, whatever the number of groups, youth or
sessions (tests/reports/test_queries.py holds it to that): rows are fetched flat with
values_list() and tallied in Python.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from camp.models import Camp, Enrollment, Group, Participant, Phase
from courses.models import PlanItem
from live.models import LiveSession
from reports.attendance import (
    HELD,
    AttendanceBook,
    SessionInfo,
    attendance_book,
    percent,
    session_infos,
)
from reports.attendance_sql import attended_counts
from reports.camp_life import LifeTally, YouthLife, group_life, youth_life
from reports.models import AttendanceStatus, Certificate, Nomination

NAVIGATION: dict = {
    "organizer": [("reports:index", gettext_lazy("Reports"))],
    "teacher": [("reports:index", gettext_lazy("Reports"))],
    "coordinator": [("reports:index", gettext_lazy("Reports"))],
}

COUNTRY_NAMES = {
    "TH": gettext_lazy("Thailand"),
    "LA": gettext_lazy("Laos"),
    "MM": gettext_lazy("Myanmar"),
    "CA": gettext_lazy("Canada"),
    "MY": gettext_lazy("Malaysia"),
    "KH": gettext_lazy("Cambodia"),
    "VN": gettext_lazy("Vietnam"),
    "ID": gettext_lazy("Indonesia"),
    "PH": gettext_lazy("Philippines"),
    "SG": gettext_lazy("Singapore"),
    "US": gettext_lazy("United States"),
    "AU": gettext_lazy("Australia"),
    "NZ": gettext_lazy("New Zealand"),
    "GB": gettext_lazy("United Kingdom"),
}


def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


def home_context(user) -> dict:
    """Youth see their certificates on their home page; adults get a link to the reports."""
    if not user.is_authenticated:
        return {}
    if user.is_youth:
        return {"reports_certificates": list(certificates_of_youth(user))}
    return {}


def certificates_of_youth(user):
    return Certificate.objects.filter(participant__user=user, revoked_at__isnull=True).select_related("phase")


# --- Tables: one shape for the page and for every export ------------------------------------


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Tally:
    groups: set = field(default_factory=set)
    youth: set = field(default_factory=set)
    countries: set = field(default_factory=set)
    sessions: set = field(default_factory=set)
    minutes: int = 0
    attended: int = 0
    expected: int = 0

    def add_session(self, session: SessionInfo) -> None:
        if session.id not in self.sessions:
            self.sessions.add(session.id)
            self.minutes += session.planned_minutes

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def rate(self) -> float | None:
        return percent(self.attended, self.expected)


@dataclass
class Dashboard:
    title: str
    camps: list
    phases: list
    total: Tally
    by_country: dict
    by_phase: dict
    by_group: dict
    by_camp: dict
    group_rows: dict
    # Camp life (check-ins, homework) per group and per country, counted in SQL (reports/camp_life.py).
    life_by_group: dict = field(default_factory=dict)
    life_by_country: dict = field(default_factory=dict)
    life_total: LifeTally = field(default_factory=LifeTally)

    @property
    def figures(self) -> list[tuple[str, str, object]]:
        return [
            ("groups", _("Groups"), len(self.total.groups)),
            ("youth", _("Youth"), len(self.total.youth)),
            ("countries", _("Countries"), len(self.total.countries)),
            ("phases", _("Phases"), len(self.phases)),
            ("sessions", _("Live sessions held"), len(self.total.sessions)),
            ("hours", _("Teaching hours"), self.total.hours),
            ("attendance", _("Attendance rate (%)"), self.total.rate),
            ("checkins", _("Check-in rate (%)"), self.life_total.checkin_rate),
            ("homework_handed_in", _("Homework handed in (%)"), self.life_total.handed_in_rate),
            ("homework_accepted", _("Homework accepted (%)"), self.life_total.accepted_rate),
            ("self_study", _("Self-study done (%)"), self.life_total.study.self_paced_rate),
            ("quizzes", _("Quizzes answered (%)"), self.life_total.study.quiz_rate),
            ("quiz_average", _("Average quiz score (%)"), self.life_total.study.quiz_average),
        ]

    @staticmethod
    def _life_columns() -> list[str]:
        return [
            _("Check-in rate (%)"),
            _("Homework handed in (%)"),
            _("Homework accepted (%)"),
            _("Self-study done (%)"),
            _("Quizzes answered (%)"),
            _("Average quiz score (%)"),
        ]

    @staticmethod
    def _life_cells(t: LifeTally | None) -> list:
        t = t or LifeTally()
        study = t.study
        return [
            t.checkin_rate,
            t.handed_in_rate,
            t.accepted_rate,
            study.self_paced_rate,
            study.quiz_rate,
            study.quiz_average,
        ]

    def _tally_columns(self) -> list[str]:
        return [
            _("Groups"),
            _("Youth"),
            _("Live sessions held"),
            _("Teaching hours"),
            _("Attendance rate (%)"),
        ]

    @staticmethod
    def _tally_cells(t: Tally) -> list:
        return [len(t.groups), len(t.youth), len(t.sessions), t.hours, t.rate]

    def tables(self) -> list[Table]:
        tables = [
            Table(
                "summary",
                _("The year in figures"),
                [_("Figure"), _("Value")],
                [[label, value] for _key, label, value in self.figures],
            )
        ]
        tables.append(
            Table(
                "countries",
                _("By country"),
                [_("Country"), *self._tally_columns(), *self._life_columns()],
                [
                    [
                        country_name(code),
                        *self._tally_cells(t),
                        *self._life_cells(self.life_by_country.get(code)),
                    ]
                    for code, t in sorted(self.by_country.items(), key=lambda kv: (-len(kv[1].youth), kv[0]))
                ],
            )
        )
        phase_labels = {p.pk: self.phase_label(p) for p in self.phases}
        tables.append(
            Table(
                "phases",
                _("By phase"),
                [_("Phase"), _("Dates"), *self._tally_columns()],
                [
                    [
                        phase_labels[p.pk],
                        _dates(p.starts_on, p.ends_on),
                        *self._tally_cells(self.by_phase[p.pk]),
                    ]
                    for p in self.phases
                ],
            )
        )
        group_rows = sorted(self.group_rows.values(), key=lambda g: (g["phases"], g["name"]))
        tables.append(
            Table(
                "groups",
                _("By group"),
                [_("Group"), _("Country"), _("Phase"), *self._tally_columns(), *self._life_columns()],
                [
                    [
                        g["name"],
                        country_name(g["country"]),
                        ", ".join(phase_labels[p] for p in g["phase_ids"]),
                        *self._tally_cells(self.by_group[g["id"]]),
                        *self._life_cells(self.life_by_group.get(g["id"])),
                    ]
                    for g in group_rows
                ],
            )
        )
        if len(self.camps) > 1:
            tables.append(
                Table(
                    "camps",
                    _("By camp"),
                    [_("Camp"), *self._tally_columns()],
                    [[c.title, *self._tally_cells(self.by_camp[c.pk])] for c in self.camps],
                )
            )
        return tables

    def phase_label(self, phase: Phase) -> str:
        label = _("Phase %(number)s") % {"number": phase.number}
        if len(self.camps) > 1:
            return f"{phase.camp.title} · {label}"
        return label

    def chart_youth_by_country(self) -> list[tuple[str, float, str]]:
        rows = sorted(self.by_country.items(), key=lambda kv: (-len(kv[1].youth), kv[0]))
        return [(country_name(code), len(t.youth), str(len(t.youth))) for code, t in rows]

    def chart_attendance_by_phase(self) -> list[tuple[str, float, str]]:
        result = []
        for p in self.phases:
            rate = self.by_phase[p.pk].rate
            result.append((self.phase_label(p), rate or 0, "—" if rate is None else f"{rate}%"))
        return result


def _dates(first: datetime.date, last: datetime.date) -> str:
    # ISO dates: short, unambiguous in every language of the camp, and sortable in a spreadsheet.
    return f"{first.isoformat()} – {last.isoformat()}"


def dashboard(camps: list[Camp], title: str) -> Dashboard:
    """Figures of the given camps: approved groups, their youth, their held sessions and attendance."""
    camp_ids = [c.pk for c in camps]
    phases = list(
        Phase.objects.filter(camp_id__in=camp_ids).select_related("camp").order_by("camp__title", "number")
    )
    enrollments = list(
        Enrollment.objects.filter(phase__camp_id__in=camp_ids, status=Enrollment.Status.APPROVED)
        .values_list("group_id", "phase_id", "group__name", "group__country", "group__camp_id")
        .order_by()
    )
    approved_groups = Group.objects.filter(
        enrollments__phase__camp_id__in=camp_ids, enrollments__status=Enrollment.Status.APPROVED
    ).values("pk")
    participants = list(
        Participant.objects.filter(group_id__in=approved_groups).values("id", "group_id", "user_id")
    )
    scope = Q(plan_item__plan__group__camp_id__in=camp_ids)
    sessions = session_infos(LiveSession.objects.filter(scope).filter(HELD).order_by())
    # Totals, not cells: how many of each held session's youth attended, counted in SQL by the same
    # rule as the attendance book (reports/attendance_sql.py; tests/reports/test_attendance_sql.py).
    attended_in = attended_counts(scope)

    youth_of: dict[int, list[int]] = defaultdict(list)
    for p in participants:
        youth_of[p["group_id"]].append(p["id"])
    sessions_of: dict[tuple[int, int], list[SessionInfo]] = defaultdict(list)
    for s in sessions.values():
        sessions_of[(s.group_id, s.phase_id)].append(s)

    total = Tally()
    by_country: dict[str, Tally] = defaultdict(Tally)
    by_phase: dict[int, Tally] = {p.pk: Tally() for p in phases}
    by_group: dict[int, Tally] = defaultdict(Tally)
    by_camp: dict[int, Tally] = {c.pk: Tally() for c in camps}
    group_rows: dict[int, dict] = {}
    for group_id, phase_id, name, country, camp_id in enrollments:
        row = group_rows.setdefault(
            group_id, {"id": group_id, "name": name, "country": country, "phase_ids": [], "phases": ()}
        )
        row["phase_ids"].append(phase_id)
        row["phases"] = tuple(sorted(row["phase_ids"]))
        tallies = (total, by_country[country], by_phase[phase_id], by_group[group_id], by_camp[camp_id])
        youth = youth_of.get(group_id, [])
        for t in tallies:
            t.groups.add(group_id)
            t.countries.add(country)
            t.youth.update(youth)
        for session in sessions_of.get((group_id, phase_id), []):
            attended = attended_in.get(session.id, 0)
            for t in tallies:
                t.add_session(session)
                t.attended += attended
                t.expected += len(youth)
    for row in group_rows.values():
        row["phase_ids"].sort(key=lambda pk: next(i for i, p in enumerate(phases) if p.pk == pk))
    # Each group's figures are SQL counts; a country's and the total are sums of a few group rows.
    life_by_group = group_life(camp_ids)
    life_by_country: dict[str, LifeTally] = defaultdict(LifeTally)
    life_total = LifeTally()
    for group_id, life in life_by_group.items():
        life_by_country[group_rows[group_id]["country"]].add(life)
        life_total.add(life)
    return Dashboard(
        title,
        camps,
        phases,
        total,
        dict(by_country),
        by_phase,
        dict(by_group),
        by_camp,
        group_rows,
        life_by_group,
        dict(life_by_country),
        life_total,
    )


# --- Group report ----------------------------------------------------------------------------


@dataclass
class GroupReport:
    group: Group
    items: list  # PlanItem with .live_session (or None)
    participants: list
    book: AttendanceBook
    threshold: int
    phases: dict
    # Camp life in all the camp's phases: the group's rates and each youth's counts (reports/camp_life.py).
    life: LifeTally = field(default_factory=LifeTally)
    youth_life: dict = field(default_factory=dict)
    # The phase's ceremonies held so far, each with this group's attendance summary
    # (live.services.attendance): counted apart, they never enter the class attendance rate.
    ceremonies: list = field(default_factory=list)

    @property
    def ceremonies_attended(self) -> dict:
        attended = sum(summary["present"] + summary["late"] for _session, summary in self.ceremonies)
        expected = sum(summary["roster"] for _session, summary in self.ceremonies)
        return {
            "held": len(self.ceremonies),
            "attended": attended,
            "expected": expected,
            "text": f"{attended} / {expected}" if self.ceremonies else "",
        }

    @property
    def held(self) -> list[SessionInfo]:
        held = [s for s in self.book.sessions.values() if s.held]
        return sorted(held, key=lambda s: (s.planned_start, s.id))

    def mark(self, session_id: int, participant_id: int):
        return self.book.marks.get((session_id, participant_id))

    def youth_totals(self, participant) -> dict:
        held = self.held
        marks = [self.book.marks[(s.id, participant.pk)] for s in held]
        counts = {status: sum(1 for m in marks if m.status == status) for status in AttendanceStatus.values}
        attended = counts["present"] + counts["late"]
        rate = percent(attended, len(held))
        return {
            "participant": participant,
            "marks": [(s, m) for s, m in zip(held, marks, strict=True)],
            "present": counts["present"],
            "late": counts["late"],
            "absent": counts["absent"],
            "minutes": sum(m.minutes for m in marks),
            "rate": rate,
            "held": len(held),
            "completed": rate is not None and rate >= self.threshold,
        }

    def session_totals(self, session: SessionInfo) -> dict:
        marks = [self.book.marks[(session.id, p.pk)] for p in self.participants]
        counts = {status: sum(1 for m in marks if m.status == status) for status in AttendanceStatus.values}
        return {
            **counts,
            "rate": percent(counts["present"] + counts["late"], len(marks)),
            "minutes": sum(m.minutes for m in marks),
        }

    @property
    def totals(self) -> dict:
        held = self.held
        expected = len(held) * len(self.participants)
        attended = sum(1 for m in self.book.marks.values() if m.attended)
        return {
            "sessions_planned": len(self.items),
            "sessions_held": len(held),
            "hours": round(sum(s.planned_minutes for s in held) / 60, 1),
            "youth": len(self.participants),
            "rate": percent(attended, expected),
            "completed": sum(1 for p in self.participants if self.youth_totals(p)["completed"]),
        }

    def tables(self) -> list[Table]:
        status_label = dict(AttendanceStatus.choices)
        totals = self.totals
        summary = Table(
            "summary",
            _("Totals"),
            [_("Figure"), _("Value")],
            [
                [_("Sessions planned"), totals["sessions_planned"]],
                [_("Live sessions held"), totals["sessions_held"]],
                [_("Teaching hours"), totals["hours"]],
                [_("Youth"), totals["youth"]],
                [_("Attendance rate (%)"), totals["rate"]],
                [_("Youth who completed the camp"), totals["completed"]],
                [_("Check-in rate (%)"), self.life.checkin_rate],
                [_("Homework handed in (%)"), self.life.handed_in_rate],
                [_("Homework accepted (%)"), self.life.accepted_rate],
                [_("Self-study done (%)"), self.life.study.self_paced_rate],
                [_("Quizzes answered (%)"), self.life.study.quiz_rate],
                [_("Average quiz score (%)"), self.life.study.quiz_average],
                [_("Ceremonies attended"), self.ceremonies_attended["text"]],
            ],
        )
        plan = Table(
            "plan",
            _("The plan as delivered"),
            [
                _("Phase"),
                _("Planned start (UTC)"),
                _("Lesson"),
                _("Teacher"),
                _("Minutes"),
                _("Held"),
                _("Started (UTC)"),
                _("Ended (UTC)"),
                _("Present"),
                _("Late"),
                _("Absent"),
            ],
        )
        sessions_by_item = {s.plan_item_id: s for s in self.book.sessions.values()}
        for item in self.items:
            session = sessions_by_item.get(item.pk)
            held = bool(session and session.held)
            counts = self.session_totals(session) if held else {}
            plan.rows.append(
                [
                    self.phases[item.plan.phase_id].number,
                    _utc(item.starts_at),
                    item.lesson.title,
                    item.teacher.name if item.teacher else "",
                    item.duration_minutes,
                    _("yes") if held else _("no"),
                    _utc(session.started_at) if session else "",
                    _utc(session.ended_at) if session else "",
                    counts.get("present", ""),
                    counts.get("late", ""),
                    counts.get("absent", ""),
                ]
            )
        per_session = Table(
            "attendance",
            _("Attendance per session"),
            [
                _("Planned start (UTC)"),
                _("Youth"),
                _("Status"),
                _("Minutes present"),
                _("Corrected by"),
                _("Reason"),
            ],
        )
        for session in self.held:
            for p in self.participants:
                m = self.book.marks[(session.id, p.pk)]
                c = m.correction
                per_session.rows.append(
                    [
                        _utc(session.planned_start),
                        p.full_name,
                        status_label[m.status],
                        m.minutes,
                        (c["corrected_by__display_name"] or c["corrected_by__email"] or "") if c else "",
                        c["reason"] if c else "",
                    ]
                )
        per_youth = Table(
            "youth",
            _("Attendance per youth"),
            [
                _("Youth"),
                _("Chinese name"),
                _("Present"),
                _("Late"),
                _("Absent"),
                _("Minutes present"),
                _("Attendance rate (%)"),
                _("Completed"),
                _("Check-ins"),
                _("Days with a question"),
                _("Homework handed in"),
                _("Homework accepted"),
                _("Homework given"),
                _("Showcase"),
                _("Self-study done"),
                _("Self-study due"),
                _("Quizzes answered"),
                _("Quizzes available"),
                _("Average quiz score (%)"),
            ],
        )
        for p in self.participants:
            t = self.youth_totals(p)
            life = self.youth_life.get(p.pk) or YouthLife()
            per_youth.rows.append(
                [
                    p.full_name,
                    p.chinese_name,
                    t["present"],
                    t["late"],
                    t["absent"],
                    t["minutes"],
                    t["rate"],
                    _("yes") if t["completed"] else _("no"),
                    life.checkins,
                    life.prompt_days,
                    life.homework_handed_in,
                    life.homework_accepted,
                    life.homework_assigned,
                    life.showcase,
                    life.study.self_paced_done,
                    life.study.self_paced_due,
                    life.study.quizzes_answered,
                    life.study.quizzes_available,
                    life.study.quiz_average,
                ]
            )
        return [summary, plan, per_session, per_youth]


def _utc(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def group_report(group: Group) -> GroupReport:
    """The group's plans as delivered and its attendance; five queries."""
    items = list(
        PlanItem.objects.filter(plan__group=group)
        .select_related("plan", "lesson", "teacher", "live_session")
        .order_by("starts_at", "pk")
    )
    phases = {p.pk: p for p in Phase.objects.filter(plans__group=group).distinct()}
    participants = list(group.participants.order_by("family_name", "given_name", "pk"))
    scope = Q(plan_item__plan__group=group)
    sessions = session_infos(LiveSession.objects.filter(scope).order_by())
    book = attendance_book(sessions, participants, scope)
    life = group_life([group.camp_id], group_ids=[group.pk]).get(group.pk) or LifeTally()
    return GroupReport(
        group,
        items,
        participants,
        book,
        group.camp.completion_threshold,
        phases,
        life,
        youth_life(group),
        group_ceremonies(group),
    )


def group_ceremonies(group: Group) -> list[tuple[LiveSession, dict]]:
    """The held ceremonies of the group's phases with the group's own attendance in each
    (present, late, absent, roster); one query, then two per ceremony (two a phase at most)."""
    from live.selectors import ceremonies_for_groups
    from live.services.attendance import attendance_by_group, attendance_for_session

    held = (
        ceremonies_for_groups([group.pk])
        .filter(
            Q(state=LiveSession.State.ENDED) | Q(state=LiveSession.State.LIVE) | Q(started_at__isnull=False)
        )
        .exclude(state=LiveSession.State.CANCELLED)
        .order_by("starts_at", "pk")
    )
    result = []
    for session in held:
        rows = attendance_for_session(session, groups=[group])
        for row_group, summary in attendance_by_group(rows):
            if row_group.pk == group.pk:
                result.append((session, summary))
    return result


# --- Completion ------------------------------------------------------------------------------


@dataclass
class Standing:
    participant: Participant
    attended: int
    held: int
    rate: float | None
    completed: bool
    nomination: Nomination | None
    certificates: list
    life: YouthLife = field(default_factory=YouthLife)


def phase_standings(group: Group, phase: Phase) -> list[Standing]:
    """Who completed the phase (camp's threshold on held sessions), who is nominated, what was issued."""
    participants = list(group.participants.order_by("family_name", "given_name", "pk"))
    scope = Q(plan_item__plan__group=group, plan_item__plan__phase=phase)
    sessions = session_infos(LiveSession.objects.filter(scope).order_by())
    book = attendance_book(sessions, participants, scope)
    held = book.held_sessions_of(group.pk, phase.pk)
    nominations = {
        n.participant_id: n for n in Nomination.objects.filter(phase=phase, participant__group=group)
    }
    certificates = defaultdict(list)
    for c in Certificate.objects.filter(phase=phase, participant__group=group).order_by("-issued_at", "-pk"):
        certificates[c.participant_id].append(c)
    threshold = group.camp.completion_threshold
    life = youth_life(group, phase)
    standings = []
    for p in participants:
        attended = sum(1 for s in held if book.marks[(s.id, p.pk)].attended)
        rate = percent(attended, len(held))
        standings.append(
            Standing(
                p,
                attended,
                len(held),
                rate,
                rate is not None and rate >= threshold,
                nominations.get(p.pk),
                certificates.get(p.pk, []),
                life.get(p.pk, YouthLife()),
            )
        )
    return standings


# The nomination table's orders: by name (the roster's order), else best first, ties by name.
STANDING_SORTS = {
    "name": (gettext_lazy("Name"), None),
    "attendance": (gettext_lazy("Attendance"), lambda s: s.rate),
    "checkins": (gettext_lazy("Check-ins"), lambda s: s.life.checkin_rate),
    "homework": (
        gettext_lazy("Homework accepted"),
        lambda s: (s.life.homework_accepted, s.life.homework_rate),
    ),
    "showcase": (gettext_lazy("Showcase"), lambda s: s.life.showcase),
    "self_study": (
        gettext_lazy("Self-study done"),
        lambda s: (s.life.study.self_paced_done, s.life.study.self_paced_rate),
    ),
    "quizzes": (
        gettext_lazy("Quizzes"),
        lambda s: (s.life.study.quiz_average, s.life.study.quizzes_answered),
    ),
}


def sort_standings(standings: list[Standing], sort: str) -> list[Standing]:
    """The standings in the chosen order; a youth with nothing to count (None) comes last."""
    key = STANDING_SORTS.get(sort, STANDING_SORTS["name"])[1]
    if key is None:
        return standings

    def best_first(standing):
        value = key(standing)
        values = value if isinstance(value, tuple) else (value,)
        return tuple(-(v if v is not None else -1) for v in values)

    return sorted(standings, key=best_first)  # stable: ties keep the roster's order


def phases_of_group(group: Group) -> list[Phase]:
    """Phases the group is approved for."""
    return list(
        Phase.objects.filter(
            enrollments__group=group, enrollments__status=Enrollment.Status.APPROVED
        ).order_by("number")
    )
