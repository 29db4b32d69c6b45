"""Organizers run their camps from the product's pages: camps, phases, places, and who may touch them."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from camp.errors import DomainError
from camp.models import Camp, Enrollment, Phase, User
from camp.services.camps import camp_create, camp_update, phase_create, phase_update
from camp.services.enrollment import camp_today, enrollment_create, phases_open_for_enrollment
from tests import factories
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
Status = Enrollment.Status


def camp_data(**overrides):
    data = {
        "title_zh_hans": "寻根之旅 2027", "title_en": "Roots Journey 2027", "title_th": "", "title_lo": "", "title_my": "",
        "description_zh_hans": "线上夏令营", "description_en": "", "description_th": "", "description_lo": "",
        "description_my": "", "federation": "普洱市侨联", "year": "2027", "home_time_zone": "Asia/Shanghai",
        "languages": ["zh-hans", "th"], "completion_threshold": "80",
    }
    data.update(overrides)
    return data


def phase_data(start: datetime.date, **overrides):
    data = {"starts_on": start.isoformat(), "ends_on": (start + 9 * DAY).isoformat(),
            "enrollment_opens": (start - 40 * DAY).isoformat(), "enrollment_closes": (start - 5 * DAY).isoformat(),
            "capacity": "60", "min_age": "8", "max_age": "16"}
    data.update(overrides)
    return data


def phase_fields(start: datetime.date, **overrides):
    fields = {"starts_on": start, "ends_on": start + 9 * DAY, "enrollment_opens": start - 40 * DAY,
              "enrollment_closes": start - 5 * DAY, "capacity": 60, "min_age": 8, "max_age": 16}
    fields.update(overrides)
    return fields


@pytest.fixture
def rival(make_user):
    """An organizer of another camp."""
    organizer = make_user(User.Role.ORGANIZER, preferred_language="en")
    factories.camp(organizer, title="别的营", year=2026, languages=["zh-hans"])
    return organizer


# --- The first camp, from an empty installation ----------------------------------------------------

def test_an_organizer_without_a_camp_is_asked_to_create_the_first_one(client, make_user, make_participant):
    organizer = make_user(User.Role.ORGANIZER, preferred_language="en")
    client.force_login(organizer)
    page = client.get("/").content.decode()
    assert "Create your first camp" in page and f'href="{reverse("camp_create")}"' in page
    assert 'href="/camps/"' in page  # the navigation's Camps

    response = client.post(reverse("camp_create"), camp_data())
    camp = Camp.objects.get()
    assert response.status_code == 302 and response.url == reverse("phase_create", args=[camp.pk])
    assert (camp.organizer, camp.title_zh_hans, camp.title_en, camp.year, camp.languages) == (
        organizer, "寻根之旅 2027", "Roots Journey 2027", 2027, ["zh-hans", "th"])

    form_page = client.get(reverse("phase_create", args=[camp.pk])).content.decode()
    assert "First day (Asia/Shanghai)" in form_page and "Enrollment opens (Asia/Shanghai)" in form_page
    start = timezone.localdate() + 60 * DAY
    response = client.post(reverse("phase_create", args=[camp.pk]), phase_data(start))
    assert response.status_code == 302 and response.url == reverse("camp_list")
    phase = camp.phases.get()
    assert (phase.number, phase.starts_on, phase.capacity, phase.min_age, phase.max_age) == (1, start, 60, 8, 16)

    listing = client.get(reverse("camp_list")).content.decode()
    assert "Roots Journey 2027" in listing and reverse("phase_edit", args=[phase.pk]) in listing
    assert client.get(reverse("camp_list")).context["camps"][0]["phases"][0]["free"] == 60
    page = client.get("/").content.decode()
    assert "Create your first camp" not in page and "phase 1, 60 of 60 places free" in page


def test_the_camp_list_counts_places_taken_and_free(client, organizer, camp, phase, group, make_participant):
    speak_english(organizer)
    for _ in range(3):
        make_participant(group, with_account=False)
    client.force_login(organizer)
    row = client.get(reverse("camp_list")).context["camps"][0]["phases"][0]
    assert (row["phase"], row["taken"], row["free"]) == (phase, 3, 97)


def test_phase_numbers_follow_and_a_co_organizer_runs_the_camp(client, organizer, camp, phase, make_user):
    partner = make_user(User.Role.ORGANIZER, preferred_language="en")
    camp_update(by=organizer, camp=camp, co_organizers=[partner], title_zh_hans="亲情中华")
    assert list(camp.co_organizers.all()) == [partner]
    client.force_login(partner)
    start = phase.ends_on + 20 * DAY
    response = client.post(reverse("phase_create", args=[camp.pk]), phase_data(start))
    assert response.status_code == 302
    assert list(camp.phases.values_list("number", flat=True)) == [1, 2]
    response = client.post(reverse("camp_edit", args=[camp.pk]),
                           camp_data(title_zh_hans="亲情中华 2026", year="2026", co_organizers=[str(partner.pk)]))
    assert response.status_code == 302
    camp.refresh_from_db()
    assert camp.title_zh_hans == "亲情中华 2026" and camp.organizer == organizer


# --- Refusals: nothing written ----------------------------------------------------------------------

@pytest.mark.parametrize("overrides, field", [
    ({"title_zh_hans": ""}, "title_zh_hans"),
    ({"year": "19"}, "year"),
    ({"year": "twenty"}, "year"),
    ({"home_time_zone": "Mars/Olympus"}, "home_time_zone"),
    ({"languages": []}, "languages"),
    ({"languages": ["xx"]}, "languages"),
    ({"completion_threshold": "120"}, "completion_threshold"),
    ({"co_organizers": ["abc"]}, "co_organizers"),
    ({"co_organizers": [str(2**70)]}, "co_organizers"),
    ({"title_zh_hans": "x" * 201}, "title_zh_hans"),
])
def test_malformed_camp_forms_say_what_is_wrong_and_write_nothing(client, make_user, overrides, field):
    organizer = make_user(User.Role.ORGANIZER, preferred_language="en")
    client.force_login(organizer)
    response = client.post(reverse("camp_create"), camp_data(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Camp.objects.exists()


def test_a_co_organizer_must_be_an_organizer(client, organizer, coordinator, camp):
    speak_english(organizer)
    client.force_login(organizer)
    response = client.post(reverse("camp_edit", args=[camp.pk]), camp_data(co_organizers=[str(coordinator.pk)]))
    assert response.status_code == 200 and "co_organizers" in response.context["form"].errors
    with pytest.raises(DomainError, match="Only organizers can run a camp"):
        camp_update(by=organizer, camp=camp, co_organizers=[coordinator])
    assert not camp.co_organizers.exists()


def test_the_same_camp_twice_is_refused(client, make_user):
    organizer = make_user(User.Role.ORGANIZER, preferred_language="en")
    client.force_login(organizer)
    client.post(reverse("camp_create"), camp_data())
    response = client.post(reverse("camp_create"), camp_data())
    assert response.context["form"].errors["title_zh_hans"] == ["There is already a camp with this title in 2027."]
    assert Camp.objects.count() == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"ends_on": "2000-01-01"}, "ends_on", "The last day is before the first day."),
    ({"enrollment_closes": "1999-01-01"}, "enrollment_closes", "Enrollment closes before it opens."),
    ({"max_age": "5", "min_age": "10"}, "max_age", "The maximum age is below the minimum age."),
    ({"capacity": "0"}, "capacity", None),
    ({"capacity": "-4"}, "capacity", None),
    ({"starts_on": "31/12/2027"}, "starts_on", None),
    ({"starts_on": ""}, "starts_on", None),
])
def test_malformed_phase_forms_write_nothing(client, organizer, camp, overrides, field, message):
    speak_english(organizer)
    client.force_login(organizer)
    data = phase_data(timezone.localdate() + 90 * DAY, **overrides)
    response = client.post(reverse("phase_create", args=[camp.pk]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    if message:
        assert message in response.context["form"].errors[field]
    assert not camp.phases.exists()


def test_phase_rules_of_the_service(organizer, camp, phase):
    start = timezone.localdate() + 90 * DAY
    with pytest.raises(DomainError) as refused:
        phase_create(by=organizer, camp=camp, **phase_fields(start, enrollment_closes=start + 10 * DAY))
    assert refused.value.message_dict == {"enrollment_closes": ["Enrollment closes after the phase's last day."]}
    with pytest.raises(DomainError) as refused:
        phase_create(by=organizer, camp=camp, **phase_fields(phase.ends_on - 3 * DAY, enrollment_closes=phase.ends_on))
    assert refused.value.code == "overlap"
    assert refused.value.message_dict["starts_on"] == [
        f"Phase 1 runs from {phase.starts_on} to {phase.ends_on}: the phases of a camp follow one another and do "
        "not overlap."]
    with pytest.raises(ValidationError, match="The last day is before the first day."):  # the model's rule
        phase_create(by=organizer, camp=camp, **phase_fields(start, ends_on=start - DAY))
    assert list(camp.phases.all()) == [phase]


def test_capacity_cannot_go_below_the_places_taken(client, organizer, camp, phase, group, make_participant):
    speak_english(organizer)
    for _ in range(12):
        make_participant(group, with_account=False)
    client.force_login(organizer)
    url = reverse("phase_edit", args=[phase.pk])
    data = phase_data(phase.starts_on, ends_on=phase.ends_on.isoformat(),
                      enrollment_opens=phase.enrollment_opens.isoformat(),
                      enrollment_closes=phase.ends_on.isoformat(), capacity="11", max_age="18")
    response = client.post(url, data)
    assert response.context["form"].errors["capacity"] == [
        "12 places are taken by approved groups: the capacity cannot be lower than 12."]
    phase.refresh_from_db()
    assert phase.capacity == 100
    response = client.post(url, {**data, "capacity": "12"})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.capacity == 12


def test_narrowing_ages_that_leave_youth_out_is_refused(organizer, camp, phase, group, make_participant):
    year = phase.starts_on.year
    make_participant(group, with_account=False, birth_year=year - 15)
    with pytest.raises(DomainError) as refused:
        phase_update(by=organizer, phase=phase, min_age=8, max_age=14, enrollment_closes=phase.ends_on)
    assert refused.value.message_dict["min_age"] == [
        "1 youth of groups applying for or approved in phase 1 would be outside ages 8–14."]
    phase.refresh_from_db()
    assert phase.max_age == 18


def test_more_places_offer_them_to_the_waitlist(organizer, camp, coordinator, make_participant,
                                               django_capture_on_commit_callbacks):
    from django.core import mail

    full = factories.open_phase(camp, 2, capacity=2)
    approved = factories.group(camp, "A", coordinators=[coordinator], approved_in=full)
    waiting = factories.group(camp, "W", coordinators=[coordinator])
    for _ in range(2):
        make_participant(approved, with_account=False)
        make_participant(waiting, with_account=False)
    wait = factories.enrollment(waiting, full, status=Status.WAITLISTED, submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        phase_update(by=organizer, phase=full, capacity=4)
    wait.refresh_from_db()
    assert wait.offered_place_at is not None and wait.offer_expires_at > timezone.now()
    assert coordinator.email in [m.to[0] for m in mail.outbox]


# --- Who may ------------------------------------------------------------------------------------------

def test_services_refuse_outsiders_and_write_nothing(organizer, camp, phase, teacher, coordinator, youth, rival):
    for outsider in (teacher, coordinator, youth):
        with pytest.raises(PermissionDenied):
            camp_create(by=outsider, title_zh_hans="X", federation="F", year=2027, languages=["zh-hans"])
    assert Camp.objects.count() == 2
    for outsider in (rival, teacher, coordinator, youth):
        with pytest.raises(PermissionDenied):
            camp_update(by=outsider, camp=camp, title_zh_hans="Taken over")
        with pytest.raises(PermissionDenied):
            phase_create(by=outsider, camp=camp, **phase_fields(timezone.localdate() + 90 * DAY))
        with pytest.raises(PermissionDenied):
            phase_update(by=outsider, phase=phase, capacity=1)
    camp.refresh_from_db()
    phase.refresh_from_db()
    assert camp.title == "亲情中华·为你讲故事" and phase.capacity == 100 and camp.phases.count() == 1


def test_pages_refuse_the_organizer_of_another_camp_and_other_roles(client, camp, phase, rival, teacher, coordinator,
                                                                   youth):
    start = timezone.localdate() + 90 * DAY
    urls = [reverse("camp_edit", args=[camp.pk]), reverse("phase_create", args=[camp.pk]),
            reverse("phase_edit", args=[phase.pk])]
    client.force_login(rival)
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url, {**camp_data(), **phase_data(start)}).status_code == 404
    # The rival's own list shows only the rival's camp.
    assert [item["camp"].title for item in client.get(reverse("camp_list")).context["camps"]] == ["别的营"]
    for person in (teacher, coordinator, youth):
        client.force_login(person)
        for url in [*urls, reverse("camp_list"), reverse("camp_create")]:
            assert client.get(url).status_code == 403
            assert client.post(url, {**camp_data(), **phase_data(start)}).status_code == 403
    client.logout()
    assert client.get(reverse("camp_create")).status_code == 302
    assert client.post(reverse("camp_create"), camp_data()).status_code == 302
    assert Camp.objects.count() == 2 and camp.phases.count() == 1
    phase.refresh_from_db()
    assert phase.capacity == 100
    assert client.get(reverse("phase_edit", args=[2**70])).status_code == 302  # anonymous: to the login first


def test_a_huge_id_is_a_404(client, organizer):
    client.force_login(organizer)
    assert client.get(f"/camps/{2**70}/edit/").status_code == 404
    assert client.get(f"/phases/{2**70}/edit/").status_code == 404


# --- Days in the camp's zone ----------------------------------------------------------------------

def test_the_enrollment_window_is_read_in_the_camps_zone(organizer, coordinator, make_participant):
    # Kiritimati (UTC+14) and Pago Pago (UTC−11) are never on the same date.
    camp = factories.camp(organizer, title="Pacific", home_time_zone="Pacific/Kiritimati", languages=["en"])
    today = camp_today(camp)
    assert today == timezone.localdate(timezone=zoneinfo.ZoneInfo("Pacific/Kiritimati"))
    phase = factories.phase(camp, 1, today + 30 * DAY, enrollment_opens=today, enrollment_closes=today)
    group = factories.group(camp, "Apia", coordinators=[coordinator], time_zone="Pacific/Pago_Pago")
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Pago_Pago")):  # the coordinator's own day is earlier
        assert list(phases_open_for_enrollment(camp)) == [phase]
        enrollment = enrollment_create(by=coordinator, group=group, phase=phase)
    assert enrollment.status == Status.DRAFT
    assert Phase.objects.get(pk=phase.pk).enrollment_closes == today
