"""Camp life in the reports: the nomination table (per youth, per phase) and the check-in and
homework rates per group and country on the dashboard and in its exports. The figures equal what
the raw rows say; the pages take the same queries for few or many youth; outsiders are refused."""

import csv
import datetime
import io
import itertools

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Assignment, CheckIn, CheckInPrompt, ShowcasePiece, Submission, Upload
from camp.models import Participant, User
from reports.camp_life import group_life, youth_life
from tests import factories
from tests.factories import held_session

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
_numbers = itertools.count(1)


def prompt(phase, day: int, group=None) -> CheckInPrompt:
    return CheckInPrompt.objects.create(
        phase=phase, group=group, day=phase.starts_on + (day - 1) * DAY, text=f"第{day}天：今天学了什么？"
    )


def check_in(participant, day: datetime.date) -> CheckIn:
    return CheckIn.objects.create(participant=participant, day=day, text="我学会了写“永”字")


def assignment(session) -> Assignment:
    return Assignment.objects.create(
        plan_item=session.plan_item,
        instructions="写“永”字。",
        due_at=session.plan_item.starts_at + DAY,
        kinds=["photo", "text"],
    )


def submission(assignment, participant, state) -> Submission:
    return Submission.objects.create(
        assignment=assignment, participant=participant, state=state, waiting_since=timezone.now()
    )


def piece(participant, state, when: datetime.datetime) -> ShowcasePiece:
    upload = Upload.objects.create(
        participant=participant,
        kind=Upload.Kind.PHOTO,
        file=f"activities/{participant.pk}/x{next(_numbers)}.jpg",
        content_type="image/jpeg",
        size=1000,
        day=when.date(),
    )
    made = ShowcasePiece.objects.create(participant=participant, title="剪纸", upload=upload, state=state)
    ShowcasePiece.objects.filter(pk=made.pk).update(created_at=when)  # created during the phase
    return made


@pytest.fixture
def life(world, delivered):
    """In the finished phase of `delivered`: questions on days 1 and 2 (the phase's) and day 3
    (the group's own; day 2 also has one of the group's: still one day), another group's question
    on day 4; the Thai youth answers days 1-3, the Lao youth day 1 and day 6 (no question that
    day); two homework, the Thai youth's both accepted, the Lao youth's handed in and returned;
    the Thai youth has two pieces shown and one pending, the Lao youth one hidden."""
    phase, group = delivered.phase, world.group
    prompt(phase, 1)
    prompt(phase, 2)
    prompt(phase, 2, group)
    prompt(phase, 3, group)
    prompt(phase, 4, world.other_group)
    for day in (1, 2, 3):
        check_in(delivered.thai, phase.starts_on + (day - 1) * DAY)
    check_in(delivered.lao, phase.starts_on)
    check_in(delivered.lao, phase.starts_on + 5 * DAY)
    first, second = assignment(delivered.sessions[0]), assignment(delivered.sessions[1])
    submission(first, delivered.thai, Submission.State.ACCEPTED)
    submission(second, delivered.thai, Submission.State.ACCEPTED)
    submission(first, delivered.lao, Submission.State.HANDED_IN)
    submission(second, delivered.lao, Submission.State.RETURNED)
    noon = datetime.datetime.combine(phase.starts_on + 2 * DAY, datetime.time(12), tzinfo=datetime.UTC)
    piece(delivered.thai, ShowcasePiece.State.APPROVED, noon)
    piece(delivered.thai, ShowcasePiece.State.APPROVED, noon + DAY)
    piece(delivered.thai, ShowcasePiece.State.PENDING, noon)
    piece(delivered.lao, ShowcasePiece.State.HIDDEN, noon)
    piece(delivered.thai, ShowcasePiece.State.APPROVED, noon - 60 * DAY)  # long before the phase
    # The other group (Myanmar) in the running phase: one question yesterday, answered.
    yesterday = timezone.localdate(timezone=world.other_group.zone) - DAY
    CheckInPrompt.objects.create(phase=world.phase, group=world.other_group, day=yesterday, text="你好")
    check_in(Participant.objects.get(user=world.other_youth), yesterday)
    return delivered


def test_youth_life_counts_what_the_rows_say(world, life):
    figures = youth_life(world.group, life.phase)
    thai, lao, rare = figures[life.thai.pk], figures[life.lao.pk], figures[life.rare.pk]
    assert (thai.checkins, thai.prompt_days, thai.checkin_rate) == (3, 3, 100.0)
    assert (lao.checkins, lao.prompt_days, lao.checkin_rate) == (1, 3, 33.3)
    assert (rare.checkins, rare.prompt_days) == (0, 3)
    assert (thai.homework_accepted, thai.homework_handed_in, thai.homework_assigned) == (2, 2, 2)
    assert (lao.homework_accepted, lao.homework_handed_in, lao.homework_assigned) == (0, 2, 2)
    assert (rare.homework_accepted, rare.homework_handed_in, rare.homework_assigned) == (0, 0, 2)
    assert (thai.showcase, lao.showcase, rare.showcase) == (2, 0, 0)
    # The raw rows, counted the long way.
    assert CheckIn.objects.filter(participant=life.lao).count() == 2


def test_future_questions_do_not_count(world, life):
    today = timezone.localdate(timezone=world.group.zone)
    CheckInPrompt.objects.create(phase=world.phase, group=world.group, day=today + DAY, text="明天")
    CheckInPrompt.objects.create(phase=world.phase, group=world.group, day=today, text="今天")
    figures = youth_life(world.group, world.phase)
    assert figures[life.thai.pk].prompt_days == 1  # today's, not tomorrow's


def test_group_and_country_rates(world, life):
    rates = group_life([world.camp.pk])
    ours, theirs = rates[world.group.pk], rates[world.other_group.pk]
    # 3 youth x 3 question days; 3 + 1 check-ins on question days.
    assert (ours.youth, ours.checkins, ours.checkins_expected, ours.checkin_rate) == (3, 4, 9, 44.4)
    # 3 youth x 2 homework: 4 handed in, 2 accepted.
    assert (ours.homework_handed_in, ours.homework_accepted, ours.homework_expected) == (4, 2, 6)
    assert (ours.handed_in_rate, ours.accepted_rate) == (66.7, 33.3)
    assert (theirs.checkins, theirs.checkins_expected, theirs.checkin_rate) == (1, 1, 100.0)
    assert theirs.handed_in_rate is None  # no homework given: nothing to divide by


def _row(table, first_cell):
    return next(row for row in table.rows if str(row[0]) == first_cell)


def test_dashboard_shows_rates_per_group_and_country(client, world, life):
    client.force_login(world.organizer)
    response = client.get(reverse("reports:camp", args=[world.camp.pk]))
    assert response.status_code == 200
    tables = {t.key: t for t in response.context["tables"]}
    assert _row(tables["groups"], world.group.name)[-6:-3] == [44.4, 66.7, 33.3]
    assert _row(tables["groups"], world.other_group.name)[-6:-3] == [100.0, None, None]
    countries = tables["countries"].rows
    assert [row[-6:-3] for row in countries] == [[44.4, 66.7, 33.3], [100.0, None, None]]  # TH has more youth
    figures = {key: value for key, _label, value in response.context["report"].figures}
    assert figures["checkins"] == 50.0  # 5 of 10
    assert figures["homework_accepted"] == 33.3
    assert 'id="camp-life-help"' in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_rates(client, world, life, fmt):
    world.organizer.preferred_language = "en"
    world.organizer.save()
    client.force_login(world.organizer)
    response = client.get(reverse("reports:camp_export", args=[world.camp.pk, fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = [
            [("" if v is None else str(v)) for v in row]
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
    header = next(row for row in rows if "Check-in rate (%)" in row and "Group" in row)
    group_row = next(row for row in rows if row and row[0] == world.group.name)
    assert group_row[header.index("Check-in rate (%)")] == "44.4"
    assert group_row[header.index("Homework handed in (%)")] == "66.7"
    assert group_row[header.index("Homework accepted (%)")] == "33.3"


def test_group_report_and_its_export_carry_camp_life(client, world, life):
    world.coordinator.preferred_language = "en"
    world.coordinator.save()
    client.force_login(world.coordinator)
    response = client.get(reverse("reports:group", args=[world.group.pk]))
    report = response.context["report"]
    assert (report.life.checkin_rate, report.life.handed_in_rate, report.life.accepted_rate) == (
        44.4,
        66.7,
        33.3,
    )
    assert 'data-figure="checkins"' in response.content.decode()
    response = client.get(reverse("reports:group_export", args=[world.group.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = next(row for row in rows if "Days with a question" in row)
    thai = next(row for row in rows[rows.index(header) :] if row and row[0] == life.thai.full_name)
    cells = dict(zip(header, thai, strict=True))
    assert (cells["Check-ins"], cells["Days with a question"]) == ("3", "3")
    assert (cells["Homework handed in"], cells["Homework accepted"], cells["Homework given"]) == (
        "2",
        "2",
        "2",
    )
    assert cells["Showcase"] == "3"  # every shown piece of the camp, also the one before the phase
    summary = {row[0]: row[1] for row in rows if len(row) == 2}
    assert summary["Check-in rate (%)"] == "44.4"


def test_nomination_table_shows_camp_life_and_sorts(client, world, life):
    client.force_login(world.organizer)
    url = reverse("reports:group_certificates", args=[world.group.pk])
    response = client.get(url)
    assert response.status_code == 200
    section = next(s for s in response.context["sections"] if s["phase"] == life.phase)
    by_pk = {s.participant.pk: s for s in section["standings"]}
    assert by_pk[life.thai.pk].life.checkins == 3 and by_pk[life.thai.pk].life.showcase == 2
    html = response.content.decode()
    assert f'data-participant="{life.thai.pk}"' in html and "3 / 3" in html and "2 / 2" in html
    order = {}
    for sort in ("name", "attendance", "checkins", "homework", "showcase", "junk"):
        standings = next(
            s for s in client.get(url, {"sort": sort}).context["sections"] if s["phase"] == life.phase
        )["standings"]
        order[sort] = [s.participant.pk for s in standings]
    names = order["name"]
    assert order["junk"] == names
    assert order["checkins"] == [life.thai.pk, life.lao.pk, life.rare.pk]
    assert order["attendance"] == [life.thai.pk, life.lao.pk, life.rare.pk]
    assert order["homework"][0] == life.thai.pk
    assert order["showcase"][0] == life.thai.pk
    # Ties keep the roster's order.
    assert order["showcase"][1:] == [pk for pk in names if pk != life.thai.pk]


def test_the_outstanding_certificate_carries_the_nomination(client, world, life):
    from reports import services
    from reports.models import Certificate

    client.force_login(world.teacher)
    response = client.post(
        reverse("reports:nominate", args=[world.group.pk, life.phase.pk]),
        {"participant": life.thai.pk, "citation": "打卡十五天，作品两件上墙"},
    )
    assert response.status_code == 302
    services.certificates_issue(group=world.group, phase=life.phase, by=world.organizer)
    outstanding = Certificate.objects.get(participant=life.thai, kind=Certificate.Kind.OUTSTANDING)
    assert outstanding.citation == "打卡十五天，作品两件上墙"
    assert not Certificate.objects.filter(participant=life.lao, kind=Certificate.Kind.OUTSTANDING).exists()


@pytest.mark.parametrize("name", ["reports:camp", "reports:camp_export", "reports:group_certificates"])
def test_outsiders_are_refused(client, world, life, other_organizer, name):
    args = [world.camp.pk] if name.startswith("reports:camp") else [world.group.pk]
    if name == "reports:camp_export":
        args.append("csv")
    url = reverse(name, args=args)
    other_teacher = factories.user(User.Role.TEACHER)
    expected = {other_organizer: 404, world.other_coordinator: 404, world.youth: 404, world.other_youth: 404}
    if name.startswith("reports:camp"):
        expected |= {world.teacher: 404, world.coordinator: 404}
    else:
        expected |= {other_teacher: 403, world.teacher: 200, world.coordinator: 200}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, (user, name)


def grow(world, make_participant, *, youth: int, days: int) -> None:
    """More youth in `group` and another group in the running phase, each with a question a day,
    check-ins, homework handed in and accepted, and shown pieces."""
    phase = world.phase
    other = factories.group(
        world.camp,
        f"Group {next(_numbers)}",
        institution="x",
        country="LA",
        time_zone="Asia/Vientiane",
        coordinators=[world.coordinator],
        approved_in=phase,
    )
    for group in (world.group, other):
        members = [make_participant(group) for _ in range(youth)]
        session = held_session(group, phase, teacher=world.teacher, day=1, lesson=factories.lesson("茶", 45))
        homework = assignment(session)
        for day in range(1, days + 1):
            on = phase.starts_on + (day - 1) * DAY
            CheckInPrompt.objects.get_or_create(phase=phase, group=group, day=on, defaults={"text": "?"})
            for member in members:
                check_in(member, on)
        for member in members:
            submission(homework, member, Submission.State.ACCEPTED)
            piece(member, ShowcasePiece.State.APPROVED, timezone.now())


@pytest.mark.parametrize(
    "name, args",
    [
        ("reports:camp", lambda w: [w.camp.pk]),
        ("reports:camp_export", lambda w: [w.camp.pk, "xlsx"]),
        ("reports:group_certificates", lambda w: [w.group.pk]),
        ("reports:group", lambda w: [w.group.pk]),
        ("reports:group_export", lambda w: [w.group.pk, "csv"]),
    ],
)
def test_queries_do_not_grow_with_youth(
    client, world, make_participant, django_assert_max_num_queries, name, args
):
    client.force_login(world.organizer)
    url = reverse(name, args=args(world))
    grow(world, make_participant, youth=2, days=1)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    grow(world, make_participant, youth=6, days=2)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_page_says_when_the_certificate_no_longer_matches_the_nomination(client, world, life):
    from reports import services
    from reports.models import Certificate

    services.nomination_set(
        participant=life.thai, phase=life.phase, citation="书法进步很快", by=world.teacher
    )
    services.nomination_set(participant=life.rare, phase=life.phase, citation="积极发言", by=world.teacher)
    services.certificates_issue(group=world.group, phase=life.phase, by=world.organizer)
    client.force_login(world.organizer)
    url = reverse("reports:group_certificates", args=[world.group.pk])
    html = client.get(url).content.decode()
    assert "citation-changed" not in html
    assert "nomination-not-completed" in html  # Ryan attended one of four: nominated, not completed
    services.nomination_set(participant=life.thai, phase=life.phase, citation="打卡十五天", by=world.teacher)
    assert "citation-changed" in client.get(url).content.decode()
    old = Certificate.objects.get(participant=life.thai, kind=Certificate.Kind.OUTSTANDING, revoked_at=None)
    new = services.certificate_reissue(certificate=old, by=world.organizer, reason="新评语")
    assert new.citation == "打卡十五天"
    assert "citation-changed" not in client.get(url).content.decode()
