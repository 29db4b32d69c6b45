import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from activities.models import Assignment, HandIn, ShowcasePiece, Submission, Upload
from activities.services import homework
from camp.errors import DomainError
from camp.models import User
from tests import factories
from tests.activities import files


@pytest.mark.django_db
def test_the_whole_round_trip(teacher, youth, youth_participant, assignment):
    submission = homework.hand_in(
        by=youth, participant=youth_participant, assignment=assignment, text="第一稿"
    )
    assert submission.state == Submission.State.HANDED_IN
    with pytest.raises(DomainError) as waiting:
        homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, text="again")
    assert waiting.value.code == "waiting"
    with pytest.raises(DomainError):
        homework.hand_in_review(by=teacher, submission=submission, outcome="returned", comment="  ")
    homework.hand_in_review(
        by=teacher, submission=submission, outcome="returned", comment="横要平。", mark="B"
    )
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED and submission.mark == "B"
    homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, file=files.photo())
    submission.refresh_from_db()
    assert submission.state == Submission.State.HANDED_IN_AGAIN
    homework.hand_in_review(
        by=teacher,
        submission=submission,
        outcome="accepted",
        comment="很好！",
        mark="A",
        showcase_title="我的永字",
    )
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED
    assert [r.outcome for r in submission.rounds.all()] == [HandIn.Outcome.RETURNED, HandIn.Outcome.ACCEPTED]
    piece = ShowcasePiece.objects.get()
    assert piece.state == ShowcasePiece.State.APPROVED and piece.decided_by == teacher
    with pytest.raises(DomainError) as done:
        homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, text="more")
    assert done.value.code == "accepted"


@pytest.mark.django_db
def test_late_is_recorded_not_refused(clock, youth, youth_participant, assignment):
    clock.travel_to(assignment.due_at + datetime.timedelta(hours=3))
    submission = homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, text="晚了")
    assert submission.rounds.get().late is True


@pytest.mark.django_db
def test_due_is_the_groups_local_time(assignment, group):
    assert assignment.due_at.tzinfo is not None
    local = timezone.localtime(assignment.due_at, group.zone)
    assert local.utcoffset() == datetime.timedelta(hours=7)


@pytest.mark.django_db
def test_a_hand_in_that_breaks_a_rule_stores_nothing(youth, youth_participant, teacher, plan_item, group):
    due = datetime.datetime(2030, 1, 1, 20, 0)
    text_only = homework.assignment_save(
        by=teacher, item=plan_item, due_local=due, instructions="写一句话", kinds=["text"]
    )
    with pytest.raises(DomainError):
        homework.hand_in(by=youth, participant=youth_participant, assignment=text_only, file=files.photo())
    photo_only = homework.assignment_save(
        by=teacher, item=plan_item, due_local=due, instructions="拍照", kinds=["photo"]
    )
    with pytest.raises(DomainError):
        homework.hand_in(by=youth, participant=youth_participant, assignment=photo_only, text="只写字")
    with pytest.raises(DomainError):
        homework.hand_in(by=youth, participant=youth_participant, assignment=photo_only, file=files.video())
    assert not Submission.objects.exists() and not Upload.objects.exists() and not HandIn.objects.exists()


@pytest.mark.django_db
def test_outsiders_cannot_act(world, assignment, youth, youth_participant, other_youth):
    submission = homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, text="作业")
    other_teacher = factories.user(User.Role.TEACHER)
    other_organizer = factories.user(User.Role.ORGANIZER)
    for outsider in (other_teacher, other_organizer, world.coordinator, youth):
        with pytest.raises(PermissionDenied):
            homework.hand_in_review(by=outsider, submission=submission, outcome="accepted")
        with pytest.raises(PermissionDenied):
            homework.assignment_save(
                by=outsider,
                item=assignment.plan_item,
                due_local=datetime.datetime(2030, 1, 1),
                instructions="改掉",
                kinds=["text"],
            )
    with pytest.raises(PermissionDenied):
        homework.hand_in(by=other_youth, participant=other_youth.participant, assignment=assignment, text="x")
    submission.refresh_from_db()
    assert submission.state == Submission.State.HANDED_IN and not submission.rounds.get().outcome
    assert Assignment.objects.get().instructions == "写“永”字。"


@pytest.mark.django_db
def test_the_queue_is_oldest_first_across_groups(
    clock, teacher, youth, youth_participant, assignment, other_group, phase, make_participant
):
    from courses.models import Plan

    other_plan = factories.plan(other_group, phase, status=Plan.Status.PUBLISHED)
    other_item = factories.plan_item(
        other_plan, assignment.plan_item.lesson, timezone.now(), minutes=45, teacher=teacher
    )
    other_assignment = homework.assignment_save(
        by=teacher,
        item=other_item,
        due_local=datetime.datetime(2030, 1, 1),
        instructions="茶",
        kinds=["text"],
    )
    other = make_participant(other_group, given_name="Aung")
    first = homework.hand_in(by=other.user, participant=other, assignment=other_assignment, text="先交")
    clock.advance(datetime.timedelta(minutes=5))
    second = homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, text="后交")
    assert list(homework.review_queue(teacher)) == [first, second]
    assert list(homework.review_queue(factories.user(User.Role.TEACHER))) == []


@pytest.mark.django_db
def test_pages_review_and_malformed_input(client, teacher, youth, youth_participant, assignment):
    client.force_login(youth)
    hand_in_url = reverse("activities:hand_in", args=[assignment.pk])
    assert client.post(hand_in_url, {"text": ""}).status_code == 400
    assert client.post(hand_in_url, {"text": "x" * 5000}).status_code == 400
    assert client.get(hand_in_url).status_code == 405
    assert not Submission.objects.exists()
    assert client.post(hand_in_url, {"text": "我的作业"}).status_code == 302
    submission = Submission.objects.get()
    client.force_login(teacher)
    review_url = reverse("activities:submission_review", args=[submission.pk])
    assert client.post(review_url, {"outcome": "maybe", "comment": "x"}).status_code == 400
    assert client.post(review_url, {"outcome": "returned", "comment": ""}).status_code == 400
    submission.refresh_from_db()
    assert submission.state == Submission.State.HANDED_IN
    assert client.post(review_url, {"outcome": "returned", "comment": "再写一遍"}).status_code == 302
    client.force_login(youth)
    page = client.get(reverse("activities:assignment_detail", args=[assignment.pk])).content.decode()
    with translation.override(youth.preferred_language):
        again = gettext("Hand in again")
    assert "再写一遍" in page and again in page


@pytest.mark.django_db
def test_assignment_form_refuses_junk(client, teacher, plan_item):
    client.force_login(teacher)
    url = reverse("activities:assignment_edit", args=[plan_item.pk])
    for data in (
        {"instructions": "x", "due_date": "2026-13-40", "due_time": "20:00", "kinds": ["photo"]},
        {"instructions": "x", "due_date": "2026-07-01", "due_time": "20:00", "kinds": ["pdf"]},
        {"instructions": "", "due_date": "2026-07-01", "due_time": "20:00", "kinds": ["photo"]},
    ):
        assert client.post(url, data).status_code == 400
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_the_youth_is_notified_of_returned_and_approved_work(
    teacher, youth, youth_participant, assignment, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    submission = homework.hand_in(
        by=youth, participant=youth_participant, assignment=assignment, file=files.photo()
    )
    with django_capture_on_commit_callbacks(execute=True):
        homework.hand_in_review(by=teacher, submission=submission, outcome="returned", comment="再试试")
    returned = Notification.objects.get(recipient=youth)
    assert returned.kind == "homework_returned" and returned.url == reverse(
        "activities:assignment_detail", args=[assignment.pk]
    )
    homework.hand_in(by=youth, participant=youth_participant, assignment=assignment, file=files.photo())
    with django_capture_on_commit_callbacks(execute=True):
        homework.hand_in_review(by=teacher, submission=submission, outcome="accepted", showcase_title="永")
    assert Notification.objects.filter(recipient=youth, kind="work_approved").count() == 1


@pytest.mark.django_db
def test_a_classmate_never_sees_anothers_homework(
    client, youth, youth_participant, assignment, group, make_participant, coordinator
):
    submission = homework.hand_in(
        by=youth, participant=youth_participant, assignment=assignment, file=files.photo()
    )
    upload = submission.rounds.get().upload
    classmate = make_participant(group, given_name="小明", family_name="王").user
    for viewer in (classmate, coordinator):
        client.force_login(viewer)
        assert client.get(reverse("activities:upload_file", args=[upload.pk])).status_code == 404
        assert client.get(reverse("activities:upload_thumbnail", args=[upload.pk])).status_code == 404
        assert client.get(reverse("activities:submission_review", args=[submission.pk])).status_code == 404
    client.force_login(classmate)
    page = client.get(reverse("activities:assignment_detail", args=[assignment.pk])).content.decode()
    assert reverse("activities:upload_file", args=[upload.pk]) not in page
    client.force_login(youth)
    response = client.get(reverse("activities:upload_file", args=[upload.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert (
        response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
    )
