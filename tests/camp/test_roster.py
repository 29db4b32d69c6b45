"""Group profiles, the roster one youth at a time, and guardian consent."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from camp.models import Group, JoinCode, Participant
from camp.services.consent import ITEMS, consent_record_paper, consent_record_paper_bulk
from camp.services.groups import group_create, group_update
from camp.services.roster import (
    participant_create,
    participant_delete,
    participant_update,
)
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
YOUTH = {"family_name": "Sisouk", "given_name": "Dara", "birth_year": THIS_YEAR - 11, "guardian_name": "Mother",
         "guardian_contact": "+856 20 5555 1234", "preferred_language": "lo"}
PROFILE = {"name": "万象寮都公学", "institution": "Vientiane Liaodu Public School", "country": "la",
           "time_zone": "Asia/Vientiane", "languages": ["lo", "zh-hans"], "chinese_level": "intermediate",
           "age_min": 10, "age_max": 16,
           "available_hours": [{"weekdays": [0, 1, 2, 3, 4], "start": "16:00", "end": "20:00"}]}


# --- Group profile --------------------------------------------------------------------------------

def test_a_confirmed_coordinator_registers_a_group(camp, coordinator):
    group = group_create(by=coordinator, camp=camp, **PROFILE)
    assert group.country == "LA" and list(group.coordinators.all()) == [coordinator]
    group_update(by=coordinator, group=group, age_max=17)
    group.refresh_from_db()
    assert group.age_max == 17


@pytest.mark.parametrize("bad", [
    {"country": "Laos"}, {"time_zone": "Asia/Atlantis"}, {"languages": ["fr"]}, {"age_min": 15, "age_max": 9},
    {"available_hours": [{"weekdays": [7], "start": "16:00", "end": "20:00"}]},
    {"available_hours": [{"weekdays": [1], "start": "20:00", "end": "16:00"}]},
    {"available_hours": [{"weekdays": [1], "start": "4pm", "end": "20:00"}]},
    {"available_hours": "weekdays"}, {"name": ""},
])
def test_malformed_profiles_write_nothing(camp, coordinator, bad):
    with pytest.raises(ValidationError):
        group_create(by=coordinator, camp=camp, **(PROFILE | bad))
    assert not Group.objects.filter(camp=camp, institution=PROFILE["institution"]).exists()


def test_unconfirmed_and_other_people_cannot_register_or_edit(camp, make_user, group, other_coordinator, teacher):
    pending = make_user("coordinator", is_confirmed=False)
    for person in (pending, teacher):
        with pytest.raises(PermissionDenied):
            group_create(by=person, camp=camp, **PROFILE)
    with pytest.raises(PermissionDenied):
        group_update(by=other_coordinator, group=group, name="Taken over")
    group.refresh_from_db()
    assert group.name == "曼谷中华语言文化中心"


def test_group_pages(client, camp, coordinator, other_coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    data = {"camp": camp.pk, "name": "寮龚侨校", "institution": "Lao Kong Chinese School", "country": "LA",
            "time_zone": "Asia/Vientiane", "languages": ["lo", "zh-hans"], "chinese_level": "beginner",
            "age_min": 9, "age_max": 14, "slot1_days": ["0", "2", "4"],
            "slot1_start": "16:30", "slot1_end": "19:00", "slot2_days": ["5"], "slot2_start": "09:00",
            "slot2_end": "11:00"}
    response = client.post(reverse("group_create"), data)
    group = Group.objects.get(name="寮龚侨校")
    assert response.status_code == 302 and response["Location"] == reverse("group_detail", args=[group.pk])
    assert group.available_hours == [{"weekdays": [0, 2, 4], "start": "16:30", "end": "19:00"},
                                     {"weekdays": [5], "start": "09:00", "end": "11:00"}]
    page = client.get(reverse("group_detail", args=[group.pk])).content.decode()
    assert "Lao Kong Chinese School" in page and "16:30–19:00" in page
    response = client.post(reverse("group_edit", args=[group.pk]), data | {"slot1_end": "15:00"})
    assert response.status_code == 200 and "A time slot ends after it starts." in response.content.decode()
    client.force_login(other_coordinator)
    assert client.get(reverse("group_edit", args=[group.pk])).status_code == 404
    assert client.post(reverse("group_edit", args=[group.pk]), data | {"name": "x"}).status_code == 404
    group.refresh_from_db()
    assert group.name == "寮龚侨校"


# --- One youth at a time --------------------------------------------------------------------------

def test_add_edit_remove_a_youth(applying_group, coordinator):
    participant = participant_create(by=coordinator, group=applying_group, **YOUTH)
    assert participant.pk and participant.consent_given is False
    participant_update(by=coordinator, participant=participant, given_name="Dala", preferred_language="th")
    participant.refresh_from_db()
    assert participant.given_name == "Dala"
    participant_delete(by=coordinator, participant=participant)
    assert not Participant.objects.filter(pk=participant.pk).exists()


@pytest.mark.parametrize(("bad", "field"), [
    ({"birth_year": THIS_YEAR - 3}, "birth_year"),           # too young for the phase
    ({"birth_year": THIS_YEAR - 30}, "birth_year"),          # too old
    ({"preferred_language": "fr"}, "preferred_language"),
    ({"given_name": "x" * 101}, "given_name"),
    ({"guardian_contact": ""}, "guardian_contact"),
])
def test_malformed_youth_write_nothing(applying_group, coordinator, bad, field):
    with pytest.raises(ValidationError) as error:
        participant_create(by=coordinator, group=applying_group, **(YOUTH | bad))
    assert field in error.value.message_dict
    assert not Participant.objects.exists()


def test_a_duplicate_youth_is_refused(applying_group, coordinator):
    participant_create(by=coordinator, group=applying_group, **YOUTH)
    with pytest.raises(ValidationError, match="already on the roster"):
        participant_create(by=coordinator, group=applying_group, **(YOUTH | {"given_name": " dara "}))
    assert Participant.objects.count() == 1


def test_an_approved_group_cannot_grow_beyond_its_phase(group, phase, coordinator, youth_participant):
    phase.capacity = 1
    phase.save()
    with pytest.raises(ValidationError, match="do not fit"):
        participant_create(by=coordinator, group=group, **YOUTH)
    assert group.participants.count() == 1


def test_outsiders_cannot_touch_the_roster(group, youth_participant, other_coordinator, teacher, youth):
    for person in (other_coordinator, teacher, youth):
        with pytest.raises(PermissionDenied):
            participant_create(by=person, group=group, **YOUTH)
        with pytest.raises(PermissionDenied):
            participant_update(by=person, participant=youth_participant, given_name="x")
        with pytest.raises(PermissionDenied):
            participant_delete(by=person, participant=youth_participant)
        with pytest.raises(PermissionDenied):
            consent_record_paper(by=person, participant=youth_participant, agreed=[], method="paper")
    youth_participant.refresh_from_db()
    assert youth_participant.given_name == "สมชาย" and youth_participant.consent_given


def test_editing_a_youth_updates_their_account(youth_participant, coordinator):
    participant_update(by=coordinator, participant=youth_participant, preferred_language="lo", given_name="Somchai")
    youth_participant.refresh_from_db()
    youth_participant.user.refresh_from_db()
    assert youth_participant.user.preferred_language == "lo"
    assert youth_participant.user.display_name == youth_participant.display_name == "Somchai แ."


def test_removing_a_youth_retires_their_account(youth_participant, coordinator):
    user = youth_participant.user
    JoinCode.objects.create(user=user, code="ABCD-EFGH-JK")
    participant_delete(by=coordinator, participant=youth_participant)
    user.refresh_from_db()
    assert not user.is_active and JoinCode.objects.get(user=user).revoked_at is not None


# --- Consent --------------------------------------------------------------------------------------

def test_consent_needs_a_method_and_records_who_and_when(group, coordinator, make_participant):
    participant = make_participant(group, with_account=False, consent=False)
    with pytest.raises(ValidationError):
        consent_record_paper(by=coordinator, participant=participant, agreed=ITEMS, method="")
    with pytest.raises(ValidationError):
        consent_record_paper(by=coordinator, participant=participant, agreed=ITEMS, method="telepathy")
    participant.refresh_from_db()
    assert not participant.consent_given and participant.user is None
    consent_record_paper(by=coordinator, participant=participant, agreed=ITEMS, method="paper")
    participant.refresh_from_db()
    assert participant.consent_given and participant.consent_at and participant.consent_recorded_by == coordinator
    # The group is approved: the youth gets an account right away.
    assert participant.user is not None and JoinCode.objects.filter(user=participant.user).exists()
    consent_record_paper(by=coordinator, participant=participant, agreed=[], method="paper")
    participant.refresh_from_db()
    assert not participant.consent_given and participant.consent_at is None and participant.consent_method == ""


def test_bulk_consent_needs_the_attestation_and_own_youth(group, other_group, coordinator, make_participant):
    waiting = [make_participant(group, with_account=False, consent=False) for _ in range(3)]
    foreign = make_participant(other_group, with_account=False, consent=False)
    ids = [p.pk for p in waiting]
    with pytest.raises(ValidationError):
        consent_record_paper_bulk(by=coordinator, group=group, participant_ids=ids, attestation=False)
    with pytest.raises(ValidationError):
        consent_record_paper_bulk(by=coordinator, group=group, participant_ids=[*ids, foreign.pk], attestation=True)
    with pytest.raises(ValidationError):
        consent_record_paper_bulk(by=coordinator, group=group, participant_ids=["1; DROP"], attestation=True)
    with pytest.raises(ValidationError):
        consent_record_paper_bulk(by=coordinator, group=group, participant_ids=[], attestation=True)
    assert not Participant.objects.filter(consent_given=True, pk__in=[*ids, foreign.pk]).exists()
    assert consent_record_paper_bulk(by=coordinator, group=group, participant_ids=ids[:2], attestation=True) == 2
    done = Participant.objects.filter(pk__in=ids[:2])
    assert all(p.consent_method == "bulk" and p.consent_recorded_by == coordinator and p.user for p in done)
    assert not Participant.objects.get(pk=ids[2]).consent_given


def test_roster_pages(client, group, coordinator, other_coordinator, youth_participant, make_participant,
                      django_assert_max_num_queries):
    speak_english(coordinator)
    client.force_login(coordinator)
    url = reverse("participant_create", args=[group.pk])
    response = client.post(url, YOUTH | {"chinese_level": "beginner", "birth_year": "19x0"})
    assert response.status_code == 200 and group.participants.count() == 1
    response = client.post(url, YOUTH | {"chinese_level": "beginner"})
    assert response.status_code == 302 and group.participants.count() == 2
    dara = group.participants.get(given_name="Dara")

    response = client.post(reverse("roster_consent_bulk", args=[group.pk]), {"participants": [dara.pk]})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    dara.refresh_from_db()
    assert not dara.consent_given
    response = client.post(reverse("roster_consent_bulk", args=[group.pk]),
                           {"participants": [dara.pk], "attestation": "on"})
    assert response.status_code == 302
    dara.refresh_from_db()
    assert dara.consent_given and dara.user is not None

    with django_assert_max_num_queries(20):
        page = client.get(reverse("roster", args=[group.pk])).content.decode()
    assert "Dara" in page and JoinCode.objects.get(user=dara.user).code in page
    for _ in range(10):
        make_participant(group)
    with django_assert_max_num_queries(20):
        client.get(reverse("roster", args=[group.pk]))

    response = client.post(reverse("participant_delete", args=[group.pk, dara.pk]))
    assert response.status_code == 302 and not Participant.objects.filter(pk=dara.pk).exists()

    client.force_login(other_coordinator)
    assert client.get(reverse("roster", args=[group.pk])).status_code == 404
    assert client.post(reverse("participant_delete", args=[group.pk, youth_participant.pk])).status_code == 404
    assert Participant.objects.filter(pk=youth_participant.pk).exists()
