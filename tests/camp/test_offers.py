"""A place offered to a waitlisted group: its coordinator is told, accepts or declines on the group page;
an organizer may offer another phase of the camp that has room."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from camp.errors import DomainError
from camp.models import Enrollment, JoinCode, User
from camp.services.enrollment import (
    OFFER_VALID_FOR,
    enrollment_decide,
    enrollment_offer_accept,
    enrollment_offer_decline,
    enrollment_offer_phase,
    enrollment_withdraw,
)
from camp.services.roster import participant_create
from tests import factories
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db
Status = Enrollment.Status
DAY = datetime.timedelta(days=1)


def fill(group, make_participant, count):
    return [make_participant(group, with_account=False) for _ in range(count)]


@pytest.fixture
def small_phase(camp):
    """Phase 2: 10 places, enrollment open."""
    return factories.open_phase(camp, 2, capacity=10)


@pytest.fixture
def full_phase(camp, small_phase, coordinator, organizer, other_coordinator, make_participant):
    """Phase 2 with 8 places taken by group A (other_coordinator's) and group W (coordinator's, 5 youth)
    on the waitlist."""
    speak_english(coordinator, other_coordinator, organizer)
    taken = factories.group(camp, "A", coordinators=[other_coordinator])
    fill(taken, make_participant, 8)
    approved = factories.enrollment(taken, small_phase, status=Status.SUBMITTED, submitted_at=timezone.now())
    enrollment_decide(by=organizer, enrollment=approved, decision="approved")
    waiting = factories.group(camp, "W", coordinators=[coordinator])
    fill(waiting, make_participant, 5)
    wait = factories.enrollment(waiting, small_phase, status=Status.SUBMITTED, submitted_at=timezone.now())
    enrollment_decide(by=organizer, enrollment=wait, decision="waitlisted", reason="Full")
    wait.refresh_from_db()
    assert wait.offered_place_at is None
    return {"phase": small_phase, "approved": approved, "wait": wait, "waiting": waiting, "taken": taken}


def free_a_place(full_phase, other_coordinator, capture):
    mail.outbox.clear()
    with capture(execute=True):
        enrollment_withdraw(by=other_coordinator, enrollment=full_phase["approved"])
    full_phase["wait"].refresh_from_db()
    return full_phase["wait"]


# --- The coordinator is told and accepts ------------------------------------------------------------

def test_a_freed_place_is_mailed_to_the_coordinator_who_accepts_it_on_the_group_page(
    client, full_phase, coordinator, other_coordinator, organizer, django_capture_on_commit_callbacks
):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    assert wait.status == Status.WAITLISTED and wait.offered_place_at is not None
    assert wait.offer_expires_at - wait.offered_place_at == OFFER_VALID_FOR
    to_coordinator = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(to_coordinator) == 1
    body = to_coordinator[0].body
    assert "A place is free in phase 2" in body and "Accept it by" in body and "(Asia/Bangkok)" in body
    assert f"/groups/{full_phase['waiting'].pk}/" in body
    assert any(m.to == [organizer.email] and "A place is free for W" in m.subject for m in mail.outbox)

    client.force_login(coordinator)
    page = client.get(reverse("group_detail", args=[full_phase["waiting"].pk])).content.decode()
    assert "A place is free for phase 2: accept by" in page
    assert reverse("enrollment_offer_accept", args=[wait.pk]) in page
    assert reverse("enrollment_offer_decline", args=[wait.pk]) in page
    assert "A place is free for phase 2: accept it on the group page" in client.get("/").content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrollment_offer_accept", args=[wait.pk]), follow=True)
    assert "Your group has its place in phase 2" in response.content.decode()
    wait.refresh_from_db()
    assert wait.status == Status.APPROVED and wait.offered_place_at is None and wait.decided_by == coordinator
    assert JoinCode.objects.filter(user__participant__group=full_phase["waiting"], revoked_at__isnull=True).count() == 5
    assert [m.subject for m in mail.outbox] == ["W accepted the place in phase 2"]

    client.force_login(organizer)  # organizers still see offers in the queue until then: now it is gone
    assert wait not in client.get(reverse("enrollment_review")).context["queue"]


def test_organizers_still_see_the_offer_in_the_queue_and_may_approve(
    client, full_phase, other_coordinator, organizer, django_capture_on_commit_callbacks
):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    client.force_login(organizer)
    response = client.get(reverse("enrollment_review"))
    page = response.content.decode()
    assert wait in response.context["queue"]
    assert "A place is free and this group fits" in page and "The coordinators are asked to accept by" in page
    client.post(reverse("enrollment_decide", args=[wait.pk]), {"decision": "approved"})
    wait.refresh_from_db()
    assert wait.status == Status.APPROVED


# --- Refusals -------------------------------------------------------------------------------------

def test_the_place_went_before_the_coordinator_accepted(
    client, full_phase, coordinator, other_coordinator, organizer, django_capture_on_commit_callbacks
):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    # Meanwhile another group is approved straight into the freed places (an organizer's decision).
    late = factories.group(full_phase["phase"].camp, "Late", coordinators=[other_coordinator])
    for _ in range(6):
        participant_create(by=other_coordinator, group=late, family_name="L", given_name=f"G{_}",
                           birth_year=timezone.localdate().year - 12, guardian_name="M", guardian_contact="1")
    enrollment_decide(by=organizer, enrollment=factories.enrollment(late, full_phase["phase"], status=Status.SUBMITTED,
                                                                    submitted_at=timezone.now()), decision="approved")
    wait.refresh_from_db()
    assert wait.offered_place_at is None  # the approval withdrew the offer that no longer fits

    client.force_login(coordinator)
    response = client.post(reverse("enrollment_offer_accept", args=[wait.pk]), follow=True)
    assert "No place in phase 2 is offered to W (any more): the group is Waitlisted." in response.content.decode()
    wait.refresh_from_db()
    assert wait.status == Status.WAITLISTED
    assert not User.objects.filter(participant__group=full_phase["waiting"]).exists()


def test_a_grown_roster_took_the_offered_place_under_the_lock(
    full_phase, coordinator, other_coordinator, make_participant, django_capture_on_commit_callbacks
):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    # An approved group grows into the places while the offer is still flagged: 10 places, 9 taken.
    still = factories.group(full_phase["phase"].camp, "Still", coordinators=[other_coordinator],
                            approved_in=full_phase["phase"])
    fill(still, make_participant, 9)
    with pytest.raises(DomainError) as refused:
        enrollment_offer_accept(by=coordinator, enrollment=wait)
    assert refused.value.code == "offer_gone"
    assert refused.value.messages == [
        "The place in phase 2 went meanwhile: 1 places are left and the group has 5 youth. It stays on the waitlist."]
    wait.refresh_from_db()
    assert wait.status == Status.WAITLISTED and wait.offered_place_at is None  # and the stale offer is gone
    assert not User.objects.filter(participant__group=full_phase["waiting"]).exists()


def test_an_expired_offer_cannot_be_accepted_but_an_organizer_still_approves(
    client, full_phase, coordinator, other_coordinator, organizer, django_capture_on_commit_callbacks
):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    Enrollment.objects.filter(pk=wait.pk).update(offer_expires_at=timezone.now() - DAY)
    client.force_login(coordinator)
    page = client.get(reverse("group_detail", args=[full_phase["waiting"].pk])).content.decode()
    assert "The time to accept ended on" in page
    assert reverse("enrollment_offer_accept", args=[wait.pk]) not in page
    response = client.post(reverse("enrollment_offer_accept", args=[wait.pk]), follow=True)
    assert "The offer of a place in phase 2 ended on" in response.content.decode()
    wait.refresh_from_db()
    assert wait.status == Status.WAITLISTED
    client.force_login(organizer)
    assert "The coordinators did not accept by" in client.get(reverse("enrollment_review")).content.decode()
    enrollment_decide(by=organizer, enrollment=wait, decision="approved")
    wait.refresh_from_db()
    assert wait.status == Status.APPROVED


def test_a_plain_waitlisted_group_has_nothing_to_accept(full_phase, coordinator):
    with pytest.raises(DomainError, match="No place in phase 2 is offered to W"):
        enrollment_offer_accept(by=coordinator, enrollment=full_phase["wait"])
    with pytest.raises(DomainError, match="No place in phase 2 is offered to W"):
        enrollment_offer_decline(by=coordinator, enrollment=full_phase["wait"])
    full_phase["wait"].refresh_from_db()
    assert full_phase["wait"].status == Status.WAITLISTED


def test_declining_gives_the_place_to_the_next_group(
    client, full_phase, camp, coordinator, other_coordinator, organizer, make_user, make_participant,
    django_capture_on_commit_callbacks
):
    third = make_user(User.Role.COORDINATOR, preferred_language="en")
    next_group = factories.group(camp, "Next", coordinators=[third])
    fill(next_group, make_participant, 4)
    after = factories.enrollment(next_group, full_phase["phase"], status=Status.WAITLISTED,
                                 submitted_at=timezone.now() + DAY)
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    after.refresh_from_db()
    assert wait.offered_place_at is not None and after.offered_place_at is not None  # 10 free: 5 + 4 both fit
    # Next is offered too; W declining frees its 5 for nobody else, but Next keeps its offer.
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrollment_offer_decline", args=[wait.pk]), follow=True)
    assert "You declined the place in phase 2." in response.content.decode()
    wait.refresh_from_db()
    after.refresh_from_db()
    assert wait.status == Status.WITHDRAWN and wait.offered_place_at is None and wait.withdrawn_by == coordinator
    assert after.offered_place_at is not None
    assert [m.subject for m in mail.outbox] == ["W declined the place in phase 2"]


def test_a_declined_place_goes_to_the_group_behind(
    full_phase, camp, coordinator, other_coordinator, make_user, make_participant, django_capture_on_commit_callbacks
):
    third = make_user(User.Role.COORDINATOR, preferred_language="en")
    behind = factories.group(camp, "Behind", coordinators=[third])
    fill(behind, make_participant, 7)  # does not fit next to W (5 + 7 > 10)
    after = factories.enrollment(behind, full_phase["phase"], status=Status.WAITLISTED,
                                 submitted_at=timezone.now() + DAY)
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    after.refresh_from_db()
    assert wait.offered_place_at is not None and after.offered_place_at is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_offer_decline(by=coordinator, enrollment=wait)
    after.refresh_from_db()
    assert after.offered_place_at is not None
    assert third.email in [m.to[0] for m in mail.outbox]


def test_rejecting_an_offered_group_offers_the_place_to_the_next(
    full_phase, camp, organizer, other_coordinator, make_user, make_participant, django_capture_on_commit_callbacks
):
    behind = factories.group(camp, "Behind", coordinators=[make_user(User.Role.COORDINATOR)])
    fill(behind, make_participant, 7)
    after = factories.enrollment(behind, full_phase["phase"], status=Status.WAITLISTED,
                                 submitted_at=timezone.now() + DAY)
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    enrollment_decide(by=organizer, enrollment=wait, decision="rejected", reason="No answer")
    after.refresh_from_db()
    assert after.offered_place_at is not None


def test_outsiders_cannot_accept_or_decline(
    client, full_phase, other_coordinator, teacher, youth, other_youth, make_user, django_capture_on_commit_callbacks
):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    rival = make_user(User.Role.ORGANIZER)
    factories.camp(rival, title="别的营")
    for outsider in (other_coordinator, teacher, youth, rival):
        for service in (enrollment_offer_accept, enrollment_offer_decline):
            with pytest.raises(PermissionDenied):
                service(by=outsider, enrollment=wait)
    expected = {other_coordinator: 404, teacher: 403, youth: 404, other_youth: 404, rival: 404}
    for outsider, status in expected.items():
        client.force_login(outsider)
        for name in ("enrollment_offer_accept", "enrollment_offer_decline"):
            assert client.post(reverse(name, args=[wait.pk])).status_code == status, (outsider, name)
    client.logout()
    assert client.post(reverse("enrollment_offer_accept", args=[wait.pk])).status_code == 302
    wait.refresh_from_db()
    assert wait.status == Status.WAITLISTED and wait.offered_place_at is not None
    assert not User.objects.filter(participant__group=full_phase["waiting"]).exists()


def test_accept_and_decline_are_buttons(client, full_phase, coordinator, other_coordinator,
                                        django_capture_on_commit_callbacks):
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    for name in ("enrollment_offer_accept", "enrollment_offer_decline"):
        assert client.get(reverse(name, args=[wait.pk])).status_code == 405
    assert client.post(reverse("enrollment_offer_accept", args=[2**70])).status_code == 404
    wait.refresh_from_db()
    assert wait.status == Status.WAITLISTED


# --- Another phase of the same camp -----------------------------------------------------------------

@pytest.fixture
def roomy_phase(camp, small_phase):
    """Phase 3, after phase 2, 30 places, nobody in it."""
    start = small_phase.ends_on + 10 * DAY
    return factories.phase(camp, 3, start, ends_on=start + 9 * DAY, capacity=30)


def test_an_organizer_offers_another_phase_and_the_coordinator_accepts(
    client, full_phase, roomy_phase, coordinator, organizer, django_capture_on_commit_callbacks
):
    wait = full_phase["wait"]
    client.force_login(organizer)
    response = client.get(reverse("enrollment_review"))
    queued = next(e for e in response.context["queue"] if e.pk == wait.pk)
    assert [row["phase"] for row in queued.phase_choices] == [roomy_phase]  # phase 2 is its own, and full
    assert reverse("enrollment_offer_phase", args=[wait.pk]) in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrollment_offer_phase", args=[wait.pk]), {"phase": roomy_phase.pk},
                               follow=True)
    assert "W is offered a place in phase 3" in response.content.decode()
    offer = Enrollment.objects.get(group=full_phase["waiting"], phase=roomy_phase)
    assert (offer.status, offer.offer_from, offer.decided_by) == (Status.WAITLISTED, wait, organizer)
    assert offer.offered_place_at is not None and offer.offer_expires_at > timezone.now()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "a place in phase 3 instead" in mail.outbox[0].body
    # The room of phase 3 now counts the place offered.
    phase3 = next(row for row in client.get(reverse("enrollment_review")).context["camps"][0]["phases"]
                  if row["phase"] == roomy_phase)
    assert (phase3["offered"], phase3["room"]) == (5, 25)

    client.force_login(coordinator)
    page = client.get(reverse("group_detail", args=[full_phase["waiting"].pk])).content.decode()
    assert "A place is offered in phase 3" in page and "instead of phase 2" in page
    assert "If you decline, the group stays on the waitlist of phase 2." in page
    client.post(reverse("enrollment_offer_accept", args=[offer.pk]))
    offer.refresh_from_db()
    wait.refresh_from_db()
    assert offer.status == Status.APPROVED and wait.status == Status.WITHDRAWN
    assert JoinCode.objects.filter(user__participant__group=full_phase["waiting"]).count() == 5


def test_declining_another_phase_keeps_the_group_on_its_waitlist(full_phase, roomy_phase, coordinator, organizer):
    offer = enrollment_offer_phase(by=organizer, enrollment=full_phase["wait"], phase=roomy_phase)
    enrollment_offer_decline(by=coordinator, enrollment=offer)
    offer.refresh_from_db()
    full_phase["wait"].refresh_from_db()
    assert offer.status == Status.WITHDRAWN and full_phase["wait"].status == Status.WAITLISTED


def test_accepting_the_own_phase_drops_the_other_phases_offer(
    full_phase, roomy_phase, coordinator, other_coordinator, organizer, django_capture_on_commit_callbacks
):
    offer = enrollment_offer_phase(by=organizer, enrollment=full_phase["wait"], phase=roomy_phase)
    wait = free_a_place(full_phase, other_coordinator, django_capture_on_commit_callbacks)
    enrollment_offer_accept(by=coordinator, enrollment=wait)
    offer.refresh_from_db()
    assert offer.status == Status.WITHDRAWN and offer.offered_place_at is None  # one place, not two


@pytest.mark.parametrize("data, message", [
    ({"phase": "999999"}, "Choose a phase of this camp with room for the group."),
    ({"phase": str(2**70)}, "Choose a phase of this camp with room for the group."),
    ({"phase": "three"}, "Choose a phase of this camp with room for the group."),
    ({}, "Choose a phase of this camp with room for the group."),
    ("other camp", "This phase belongs to another camp."),
    ("full", "Phase 4 has room for 3 more youth (places free and not offered to another group); the group has 5."),
    ("same", "The group is already waitlisted for phase 2."),
])
def test_malformed_offers_of_another_phase_are_refused_clearly(
    client, full_phase, roomy_phase, camp, organizer, make_user, data, message
):
    if data == "other camp":
        other = factories.camp(make_user(User.Role.ORGANIZER), title="别的营")
        data = {"phase": factories.phase(other, 1, roomy_phase.starts_on, capacity=100).pk}
    elif data == "full":
        data = {"phase": factories.phase(camp, 4, roomy_phase.ends_on + 10 * DAY, capacity=3).pk}
    elif data == "same":
        data = {"phase": full_phase["phase"].pk}
    client.force_login(organizer)
    response = client.post(reverse("enrollment_offer_phase", args=[full_phase["wait"].pk]), data, follow=True)
    assert response.status_code == 200
    assert message in [str(m) for m in response.context["messages"]]
    assert Enrollment.objects.filter(group=full_phase["waiting"]).count() == 1  # nothing written


def test_only_a_waitlisted_group_is_moved(full_phase, roomy_phase, organizer):
    approved = full_phase["approved"]
    with pytest.raises(DomainError, match="Only a waitlisted group can be offered another phase"):
        enrollment_offer_phase(by=organizer, enrollment=approved, phase=roomy_phase)
    offer = enrollment_offer_phase(by=organizer, enrollment=full_phase["wait"], phase=roomy_phase)
    with pytest.raises(DomainError, match="already has an application for phase 3"):
        enrollment_offer_phase(by=organizer, enrollment=full_phase["wait"], phase=roomy_phase)
    assert Enrollment.objects.filter(phase=roomy_phase).get() == offer


def test_outsiders_cannot_offer_another_phase(client, full_phase, roomy_phase, coordinator, teacher, youth, make_user):
    rival = make_user(User.Role.ORGANIZER)
    factories.camp(rival, title="别的营")
    for outsider in (rival, coordinator, teacher, youth):
        with pytest.raises(PermissionDenied):
            enrollment_offer_phase(by=outsider, enrollment=full_phase["wait"], phase=roomy_phase)
    url = reverse("enrollment_offer_phase", args=[full_phase["wait"].pk])
    for outsider, status in {rival: 404, coordinator: 403, teacher: 403, youth: 404}.items():
        client.force_login(outsider)
        assert client.post(url, {"phase": roomy_phase.pk}).status_code == status
    assert not Enrollment.objects.filter(phase=roomy_phase).exists()
