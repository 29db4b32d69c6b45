"""A youth's data rights: the export of everything kept, and the erasure that keeps only anonymous counts."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone

from camp.models import JoinCode, Participant, User
from camp.services.join import join_code_reissue
from camp.signals import youth_access_revoked
from live.models import AttendanceSpan, ChatMessage, Question
from privacy.models import Erasure
from privacy.services import data as data_service
from privacy.services.data import KEPT, add_months, youth_erase, youth_export
from reports import services as reports_services
from reports.models import Certificate
from tests import factories

NAME, FAMILY, GUARDIAN, CONTACT = "สมชาย", "แซ่ตั้ง", "Guardian", "LINE: somchai.mom.2014"


@pytest.fixture
def history(world):
    """The world's youth after a finished phase: one class attended, chat lines, a question, two certificates."""
    User.objects.filter(pk=world.organizer.pk).update(preferred_language="en")  # the texts below are English
    Participant.objects.filter(pk=world.youth_participant.pk).update(guardian_contact=CONTACT)
    world.youth_participant.refresh_from_db()
    join_code_reissue(by=world.coordinator, participant=world.youth_participant)
    past = factories.finished_phase(world.camp, world.group, number=9)
    session = factories.held_session(world.group, past, teacher=world.teacher, day=1)
    factories.span(session, world.youth, 0, 45)
    now = timezone.now()
    ChatMessage.objects.create(
        session=session, seq=1, author=world.youth, text="我喜欢书法", client_id="c1", sent_at=now
    )
    ChatMessage.objects.create(
        session=session, seq=2, author=world.teacher, text="很好！", client_id="t1", sent_at=now
    )
    Question.objects.create(
        session=session, author=world.youth, text="老师，毛笔怎么拿？", client_id="q1", asked_at=now
    )
    reports_services.nomination_set(
        participant=world.youth_participant, phase=past, citation="书法进步很快", by=world.teacher
    )
    issued = reports_services.certificates_issue(group=world.group, phase=past, by=world.organizer)
    assert len(issued) == 2
    world.past_phase, world.past_session = past, session
    return world


def every_text_in_the_database() -> str:
    """Every character and text value of every row, to search an erased name in."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                chunks.append(json.dumps(row, ensure_ascii=False, default=str))
    return "\n".join(chunks)


@pytest.mark.django_db
def test_the_export_holds_everything_kept_about_the_youth_and_nothing_secret(client, history):
    world = history
    client.force_login(world.organizer)
    response = client.get(reverse("privacy:youth_export", kwargs={"pk": world.youth_participant.pk}))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["roster"]["given_name"] == NAME and data["roster"]["family_name"] == FAMILY
    assert data["roster"]["guardian_name"] == GUARDIAN and data["group"]["id"] == world.group.pk
    assert data["account"]["username"] == world.youth.username
    assert [line["text"] for line in data["chat_messages"]] == ["我喜欢书法"]  # not the teacher's line
    assert [q["text"] for q in data["questions"]] == ["老师，毛笔怎么拿？"]
    assert len(data["attendance"]) == 1 and data["attendance"][0]["session"]["id"] == world.past_session.pk
    assert sorted(c["kind"] for c in data["certificates"]) == ["completion", "outstanding"]
    assert data["join_codes"] and all(
        set(code) == {"code_ends_with", "created_at", "revoked_at"} for code in data["join_codes"]
    )
    assert [n["citation"] for n in data["other"]["reports.Nomination.participant"]] == ["书法进步很快"]
    # Every row that points at the youth is in the export (consent decisions, guardian links... as they exist).
    for model, field in data_service._links_to(Participant):
        label = model._meta.label
        if label == "privacy.Erasure":
            continue
        if model._default_manager.filter(**{field.name: world.youth_participant}).exists():
            if label in data_service.NAMED:
                assert data[data_service.NAMED[label]], label
            else:
                assert f"{label}.{field.name}" in data["other"], label
    text = response.content.decode()
    assert world.youth.password not in text and "token_hash" not in text and '"password"' not in text
    active = JoinCode.objects.get(user=world.youth, revoked_at__isnull=True).code
    assert active not in text


@pytest.mark.django_db
def test_the_data_page_counts_what_is_kept_and_links_the_export_and_the_delete(client, history):
    world = history
    client.force_login(world.organizer)
    html = client.get(
        reverse("privacy:youth_data", kwargs={"pk": world.youth_participant.pk})
    ).content.decode()
    assert NAME in html and reverse("privacy:youth_export", kwargs={"pk": world.youth_participant.pk}) in html
    assert reverse("privacy:youth_erase", kwargs={"pk": world.youth_participant.pk}) in html
    # Reached from the roster: the row's Data link, for organizers only.
    roster = client.get(reverse("roster", kwargs={"pk": world.group.pk})).content.decode()
    assert reverse("privacy:youth_data", kwargs={"pk": world.youth_participant.pk}) in roster
    client.force_login(world.coordinator)
    roster = client.get(reverse("roster", kwargs={"pk": world.group.pk})).content.decode()
    assert "/privacy/" not in roster


@pytest.mark.django_db
def test_erasing_removes_every_personal_trace_and_keeps_the_report_counts(
    client, history, django_capture_on_commit_callbacks
):
    world = history
    participant, youth = world.youth_participant, world.youth
    old_code = JoinCode.objects.get(user=youth, revoked_at__isnull=True).code
    client.post(reverse("join"), {"code": old_code})
    assert client.get(reverse("home")).context["user"] == youth  # the card works before
    client.logout()
    spans_before = AttendanceSpan.objects.filter(user=youth).count()
    certificates_before = Certificate.objects.filter(participant=participant, revoked_at__isnull=True).count()
    revoked = []
    receiver = lambda sender, user, **kw: revoked.append(user.pk)  # noqa: E731
    youth_access_revoked.connect(receiver, weak=False)
    try:
        client.force_login(world.organizer)
        url = reverse("privacy:youth_erase", kwargs={"pk": participant.pk})
        page = client.get(url)
        assert page.status_code == 200 and "Delete for good" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"confirm": "on"})
    finally:
        youth_access_revoked.disconnect(receiver)
    assert response.status_code == 302 and response["Location"] == reverse(
        "roster", kwargs={"pk": world.group.pk}
    )
    assert revoked == [youth.pk]

    participant.refresh_from_db()
    youth.refresh_from_db()
    # No name anywhere in the database.
    text = every_text_in_the_database()
    for trace in (NAME, FAMILY, "我喜欢书法", "老师，毛笔怎么拿？", "书法进步很快", CONTACT):
        assert trace not in text, trace
    assert participant.given_name == "—" and participant.birth_year == 0 and not participant.consent_given
    assert (
        not youth.is_active
        and not youth.has_usable_password()
        and youth.email == ""
        and youth.display_name == ""
    )
    assert not JoinCode.objects.filter(user=youth).exists()
    assert (
        not ChatMessage.objects.filter(author=youth).exists()
        and not Question.objects.filter(author=youth).exists()
    )
    assert ChatMessage.objects.filter(author=world.teacher).count() == 1  # others' lines stay
    # What a report must keep stays: attendance and issued certificates, with no name on them.
    assert AttendanceSpan.objects.filter(user=youth).count() == spans_before == 1
    certificates = Certificate.objects.filter(participant=participant, revoked_at__isnull=True)
    assert certificates.count() == certificates_before == 2
    assert {(c.given_name, c.family_name, c.citation) for c in certificates} == {("—", "", "")}
    erasure = Erasure.objects.get(participant=participant)
    assert erasure.erased_by == world.organizer and erasure.reason == "request"
    # Every other row that pointed at the youth or the account is gone.
    for target, obj in ((Participant, participant), (User, youth)):
        for model, field in data_service._links_to(target):
            if model._meta.label in KEPT or (model._meta.label, field.name) in data_service.NOT_PERSONAL:
                continue
            assert not model._default_manager.filter(**{field.name: obj}).exists(), model._meta.label
    # The roster says it was deleted; the join code does not let anybody in.
    page = client.get(reverse("privacy:youth_data", kwargs={"pk": participant.pk})).content.decode()
    assert "was deleted" in page
    client.logout()
    client.post(reverse("join"), {"code": old_code})
    assert not client.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_a_second_delete_changes_nothing_and_says_so(client, history):
    world = history
    youth_erase(by=world.organizer, participant=world.youth_participant)
    client.force_login(world.organizer)
    url = reverse("privacy:youth_erase", kwargs={"pk": world.youth_participant.pk})
    assert "already deleted" in client.get(url).content.decode()
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert response.status_code == 200 and "already deleted" in response.content.decode()
    assert Erasure.objects.count() == 1


@pytest.mark.django_db
def test_erasure_is_all_or_nothing(history, monkeypatch):
    world = history
    participant = world.youth_participant

    def fail(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Erasure, "save", fail)  # the very last write fails
    with pytest.raises(RuntimeError):
        youth_erase(by=world.organizer, participant=participant)
    participant.refresh_from_db()
    assert participant.given_name == NAME and participant.guardian_name == GUARDIAN
    assert ChatMessage.objects.filter(author=world.youth).count() == 1
    assert JoinCode.objects.filter(user=world.youth).exists()
    assert User.objects.get(pk=world.youth.pk).is_active
    assert Certificate.objects.filter(participant=participant, given_name=NAME).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "teacher", "youth", "other_coordinator"])
def test_only_the_camps_organizers_may_export_or_erase(history, who):
    world = history
    caller = getattr(world, who)
    with pytest.raises(PermissionDenied):
        youth_export(by=caller, participant=world.youth_participant)
    with pytest.raises(PermissionDenied):
        youth_erase(by=caller, participant=world.youth_participant)
    assert not Erasure.objects.exists()
    assert Participant.objects.get(pk=world.youth_participant.pk).given_name == NAME


@pytest.mark.django_db
def test_another_camps_organizer_may_not_and_a_co_organizer_may(history, make_user):
    world = history
    other = make_user(User.Role.ORGANIZER)
    factories.camp(other, title="寻根之旅")
    with pytest.raises(PermissionDenied):
        youth_erase(by=other, participant=world.youth_participant)
    assert not Erasure.objects.exists()
    world.camp.co_organizers.add(other)
    youth_erase(by=other, participant=world.youth_participant)
    assert Erasure.objects.get().erased_by == other


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{}, {"confirm": ""}, {"confirm": "x" * 10_000}, {"confirm": ["on", "off"]}, {"confirm": "\x00"}]
)
def test_the_delete_form_without_a_clear_confirmation_deletes_nothing(client, world, data):
    client.force_login(world.organizer)
    response = client.post(reverse("privacy:youth_erase", kwargs={"pk": world.youth_participant.pk}), data)
    if data.get("confirm") in ("x" * 10_000, ["on", "off"], "\x00"):
        # A checkbox counts any non-empty value as ticked: these are confirmations, not errors.
        assert response.status_code == 302
        assert Erasure.objects.count() == 1
    else:
        assert response.status_code == 200 and response.context["form"].errors
        assert not Erasure.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["0", "99999999", "9" * 30])
def test_unknown_or_huge_ids_are_404(client, world, pk):
    client.force_login(world.organizer)
    for name in ("privacy:youth_data", "privacy:youth_export", "privacy:youth_erase"):
        assert (
            client.get(
                f"/privacy/youth/{pk}/"
                + {
                    "privacy:youth_data": "",
                    "privacy:youth_export": "export.json",
                    "privacy:youth_erase": "delete/",
                }[name]
            ).status_code
            == 404
        )


@pytest.mark.django_db
def test_wrong_methods(client, world):
    client.force_login(world.organizer)
    pk = world.youth_participant.pk
    assert client.post(reverse("privacy:youth_data", kwargs={"pk": pk})).status_code == 405
    assert client.post(reverse("privacy:youth_export", kwargs={"pk": pk})).status_code == 405
    assert client.put(reverse("privacy:youth_erase", kwargs={"pk": pk})).status_code == 405


def test_add_months_keeps_the_day_or_takes_the_months_last():
    import datetime

    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2027, 12, 31), 2) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 8, 15), 12) == datetime.date(2027, 8, 15)
    assert add_months(datetime.date(2026, 8, 15), 0) == datetime.date(2026, 8, 15)


@pytest.mark.django_db
def test_erasure_deletes_the_youths_uploaded_files_after_commit(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from activities.models import Upload

    settings.MEDIA_ROOT = str(tmp_path)
    upload = Upload(
        participant=world.youth_participant,
        kind="photo",
        content_type="image/jpeg",
        size=4,
        day=timezone.localdate(),
    )
    upload.file.save("work.jpg", ContentFile(b"\xff\xd8\xff\xe0"), save=False)
    upload.save()
    path = Path(upload.file.path)
    assert path.exists()
    export = youth_export(by=world.organizer, participant=world.youth_participant)
    assert export["uploads"][0]["file"] == upload.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        youth_erase(by=world.organizer, participant=world.youth_participant)
    assert path.exists()  # not before the transaction commits
    for callback in callbacks:
        callback()
    assert not path.exists() and not Upload.objects.exists()


@pytest.mark.django_db
def test_the_data_page_takes_the_same_queries_for_a_quiet_youth_and_a_chatty_one(
    client, history, django_assert_max_num_queries
):
    world = history
    client.force_login(world.organizer)
    url = reverse("privacy:youth_data", kwargs={"pk": world.youth_participant.pk})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as quiet:
        client.get(url)
    now = timezone.now()
    sessions = [
        factories.held_session(world.group, world.past_phase, teacher=world.teacher, day=day)
        for day in range(2, 6)
    ]
    for number in range(200):
        ChatMessage.objects.create(
            session=sessions[number % 4],
            seq=number + 10,
            author=world.youth,
            text=f"line {number}",
            client_id=f"x{number}",
            sent_at=now,
        )
    with django_assert_max_num_queries(len(quiet)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_export_holds_the_youths_camp_life_and_the_guardians_answers(world, settings, tmp_path):
    """Check-ins, homework rounds with the teacher's comments, showcase pieces, uploads (the stored
    files' names), the guardian's consent decisions and questions: each in its own section."""
    from activities.models import Upload
    from tests.activities import life

    settings.MEDIA_ROOT = str(tmp_path)
    made = life.camp_life(world)
    data = json.loads(
        json.dumps(youth_export(by=world.organizer, participant=world.youth_participant), default=str)
    )
    assert [checkin["text"] for checkin in data["checkins"]] == [life.CHECKIN_TEXT]
    [work] = data["homework"]
    assert work["state"] == "accepted" and work["mark"] == "A"
    assert work["assignment"]["instructions"] == "写“永”字。"
    assert [(r["number"], r["outcome"], r["comment"]) for r in work["rounds"]] == [
        (1, "returned", life.RETURNED_COMMENT),
        (2, "accepted", life.ACCEPTED_COMMENT),
    ]
    assert work["rounds"][1]["text"] == "第二次" and work["rounds"][0]["reviewed_by"] == world.teacher.name
    assert {(p["title"], p["state"]) for p in data["showcase"]} == {
        (life.SHOWN_TITLE, "approved"),
        (life.WAITING_TITLE, "pending"),
    }
    stored = Upload.objects.filter(participant=world.youth_participant)
    assert stored.count() == 3  # two rounds' photos and the waiting piece's
    assert {u["file"] for u in data["uploads"]} == {u.file.name for u in stored}
    assert all(u["file"] and u["thumbnail"] for u in data["uploads"])
    assert {p["upload"] for p in data["showcase"]} <= {u["id"] for u in data["uploads"]}
    assert data["consent_decisions"] and all(
        d["agreed"] and d["source"] == "link" for d in data["consent_decisions"]
    )
    assert [m["body"] for m in data["guardian_messages"]] == [life.GUARDIAN_QUESTION]
    # Shown once: not again under "other"; the guardian link's secret is never written.
    assert not {key for key in data["other"] if key.split(".")[1] in ("CheckIn", "Submission", "Upload")}
    assert "camp.GuardianLink.participant" in data["other"]
    assert "salt" not in data["other"]["camp.GuardianLink.participant"][0]
    assert made.submission.pk  # the rows exist as the services made them
