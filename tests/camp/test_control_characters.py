"""Names are one line of visible text (issue #12): a name with a line break or another control
character is refused with a clear error at the form and at the service, and mail subjects are
built on one line so a name stored before these checks never makes a mail fail."""

import io

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from camp.forms import CampForm, CoordinatorSignupForm, InvitationAcceptForm, InvitationForm
from camp.mail import mail_send, mail_subject
from camp.models import Group, Participant, validate_name
from camp.services.enrollment import enrollment_submit
from camp.services.groups import group_create, group_update
from camp.services.roster import participant_create, participant_update, roster_import_preview
from tests import factories
from tests.camp.conftest import HEADER, csv_bytes, speak_english, youth_row

pytestmark = pytest.mark.django_db
ONE_LINE = "A name is one line"
BAD_NAMES = ["团\n名", "团\r名", "团\r\n名", "团\t名", "团\x00名", "团\x1b[31m名", "团\x7f名", "团\x85名",
             "团\u2028名", "团\u2029名", "团\u202e名"]
GOOD_NAMES = ["曼谷中华语言文化中心", "แซ่ตั้ง", "ສົມພອນ", "မောင်မောင်", "O'Brien-Smith", "Zoé Lefèvre",
              "ශ්\u200dරී"]  # a zero-width joiner inside a word is part of the script


@pytest.mark.parametrize("name", BAD_NAMES)
def test_validate_name_refuses_control_characters(name):
    with pytest.raises(ValidationError) as error:
        validate_name(name)
    assert ONE_LINE in error.value.messages[0]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_validate_name_keeps_real_names(name):
    validate_name(name)


PROFILE = {"institution": "Lao Kong Chinese School", "country": "LA", "time_zone": "Asia/Vientiane",
           "languages": ["lo"], "chinese_level": "beginner"}


@pytest.mark.parametrize("field", ["name", "institution"])
def test_group_services_refuse_a_name_with_a_line_break(camp, coordinator, group, field):
    values = {"name": "寮龚侨校"} | PROFILE
    with pytest.raises(ValidationError) as error:
        group_create(by=coordinator, camp=camp, **(values | {field: "寮龚\n侨校"}))
    assert field in error.value.message_dict and ONE_LINE in error.value.message_dict[field][0]
    assert not Group.objects.filter(name__startswith="寮龚").exists()
    with pytest.raises(ValidationError):
        group_update(by=coordinator, group=group, **{field: "Bcc: x@example.com\r\nSubject: hi"})
    group.refresh_from_db()
    assert "\n" not in group.name and "\n" not in group.institution


def test_group_form_page_shows_the_error(client, camp, coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    data = {"camp": camp.pk, "name": "寮龚\r\n侨校", "country": "LA", "institution": "School",
            "time_zone": "Asia/Vientiane", "languages": ["lo"], "chinese_level": "beginner", "age_min": 9,
            "age_max": 14, "slot1_days": ["0"], "slot1_start": "16:30", "slot1_end": "19:00"}
    response = client.post(reverse("group_create"), data)
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    assert not Group.objects.filter(institution="School").exists()


@pytest.mark.parametrize("field", ["family_name", "given_name", "chinese_name", "guardian_name", "guardian_contact"])
def test_participant_services_refuse_control_characters(coordinator, group, field):
    values = {"family_name": "Tan", "given_name": "Mei", "birth_year": 2013, "guardian_name": "Mother",
              "guardian_contact": "+66 81 234 5678"}
    with pytest.raises(ValidationError) as error:
        participant_create(by=coordinator, group=group, **(values | {field: "Mei\nLing"}))
    assert ONE_LINE in error.value.message_dict[field][0]
    assert not group.participants.filter(family_name="Tan").exists()
    participant = participant_create(by=coordinator, group=group, **values)
    with pytest.raises(ValidationError):
        participant_update(by=coordinator, participant=participant, **{field: "x\x00y"})
    participant.refresh_from_db()
    assert "\x00" not in getattr(participant, field)


def test_participant_form_page_shows_the_error(client, coordinator, group):
    speak_english(coordinator)
    client.force_login(coordinator)
    data = {"family_name": "Tan\u2028Evil", "given_name": "Mei", "birth_year": 2013, "preferred_language": "th",
            "chinese_level": "beginner", "guardian_name": "Mother", "guardian_contact": "+66 81 234 5678"}
    response = client.post(reverse("participant_create", args=[group.pk]), data)
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    assert not Participant.objects.filter(given_name="Mei").exists()


def test_display_name_on_the_profile_page(client, coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("profile"), {"display_name": "Wang\nAdmin", "preferred_language": "en",
                                                "time_zone": "Asia/Bangkok"})
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    coordinator.refresh_from_db()
    assert "\n" not in coordinator.display_name


@pytest.mark.parametrize(("form_class", "data"), [
    (CoordinatorSignupForm, {"display_name": "Wang\rLi", "time_zone": "Asia/Bangkok", "preferred_language": "en"}),
    (InvitationForm, {"email": "t@example.com", "display_name": "Wang\x0bLi", "role": "teacher"}),
    (InvitationAcceptForm, {"display_name": "Wang\nLi", "time_zone": "Asia/Bangkok", "preferred_language": "en",
                            "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"}),
])
def test_every_display_name_form_refuses_control_characters(form_class, data):
    form = form_class(data)
    assert not form.is_valid()
    assert ONE_LINE in form.errors["display_name"][0]


def test_camp_title_and_federation(organizer):
    form = CampForm({"title_zh_hans": "华裔青少年\n夏令营", "federation": "侨联\r\n", "year": 2026,
                     "home_time_zone": "Asia/Shanghai", "languages": ["zh-hans"], "completion_threshold": 80},
                    organizer=organizer)
    assert not form.is_valid()
    assert ONE_LINE in form.errors["title_zh_hans"][0]
    # "侨联\r\n": the form strips a trailing line break, which is then harmless
    assert "federation" not in form.errors


def test_the_service_refuses_a_camp_title_with_a_line_break(organizer):
    from camp.models import Camp
    from camp.services.camps import camp_create

    with pytest.raises(ValidationError):
        camp_create(by=organizer, title_zh_hans="夏令营\n2026", federation="侨联", year=2026,
                    home_time_zone="Asia/Shanghai", languages=["zh-hans"])
    assert not Camp.objects.filter(federation="侨联").exists()


def test_a_roster_file_with_line_breaks_in_names(coordinator, applying_group):
    data = csv_bytes([youth_row(1, family_name='"Tan\nEvil"'), youth_row(2, guardian_name="Mother\x1b")])
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="r.csv", data=data)
    problems = {(p["line"], p["column"]): p["message"] for p in pending.problems}
    assert ONE_LINE in problems[(2, "family_name")] and ONE_LINE in problems[(3, "guardian_name")]
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(youth_row(1, given_name="Mei\u2029Ling").split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="r.xlsx", data=buffer.getvalue())
    assert [(p["line"], p["column"]) for p in pending.problems] == [(2, "given_name")]


# --- Mail subjects ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["团\n名", "团\r\n名", "团\x00名", "团\u2028名", "\n团名\n"])
def test_mail_subject_is_one_line(text):
    assert mail_subject(text) in ("团 名", "团名")


def test_mail_send_never_raises_bad_header_error(coordinator):
    assert mail_send([coordinator], subject=lambda: "Plan of 团\r\nBcc: evil@example.com",
                     template="camp/email/enrollment_decision.txt",
                     context={"enrollment": None, "group_url": "http://x/"}) == 1
    assert mail.outbox[0].subject == "Plan of 团 Bcc: evil@example.com"
    assert mail.outbox[0].bcc == [] and mail.outbox[0].to == [coordinator.email]
    assert "evil@example.com" not in str(mail.outbox[0].message()["Bcc"] or "")


def test_a_legacy_group_name_with_a_line_break_still_mails(applying_group, coordinator, organizer,
                                                           django_capture_on_commit_callbacks):
    """A name stored before names were checked (written straight to the database)."""
    Group.objects.filter(pk=applying_group.pk).update(name="老名字\n第二行")
    factories.participant(applying_group, with_account=False)
    enrollment = applying_group.enrollments.get()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_submit(by=coordinator, enrollment=enrollment)
    assert mail.outbox, "the organizers were mailed"
    assert all("\n" not in message.subject for message in mail.outbox)
    assert any("老名字 第二行" in message.subject for message in mail.outbox)


def test_a_legacy_group_name_in_the_plan_change_mail(group, coordinator, organizer, phase):
    from courses.models import Plan, PlanChange
    from courses.services.plans import plan_change_notify

    Group.objects.filter(pk=group.pk).update(name="曼谷\r\n中华")
    group.refresh_from_db()
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    change = PlanChange.objects.create(plan=plan, changed_by=organizer, summary="书法 moved to 10:30")
    assert plan_change_notify(change_id=change.pk) == 1
    assert "\n" not in mail.outbox[0].subject and "曼谷 中华" in mail.outbox[0].subject
