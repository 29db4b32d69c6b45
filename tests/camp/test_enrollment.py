"""Applications, decisions, capacity per phase, the waitlist and the e-mails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from camp.models import Enrollment, JoinCode, User
from camp.services.enrollment import (
    enrollment_create,
    enrollment_decide,
    enrollment_submit,
    enrollment_withdraw,
    phase_places_taken,
)
from camp.services.roster import participant_delete
from tests import factories
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def fill(group, make_participant, count, consent=True):
    return [make_participant(group, with_account=False, consent=consent) for _ in range(count)]


def submitted(group, phase, coordinator, when=None):
    return factories.enrollment(group, phase, created_by=coordinator, status=Status.SUBMITTED,
                                submitted_at=when or timezone.now())


def extra_group(camp, name, coordinator):
    return factories.group(camp, name, institution=name, country="TH", time_zone="Asia/Bangkok", languages=["th"],
                           chinese_level="beginner", coordinators=[coordinator])


# --- Applying -------------------------------------------------------------------------------------

def test_apply_as_draft_then_submit_tells_the_organizers(
    new_group, open_phase, coordinator, organizer, make_participant, django_capture_on_commit_callbacks
):
    enrollment = enrollment_create(by=coordinator, group=new_group, phase=open_phase)
    assert enrollment.status == Status.DRAFT and enrollment.created_by == coordinator
    with pytest.raises(ValidationError, match="Add your youth"):
        enrollment_submit(by=coordinator, enrollment=enrollment)
    fill(new_group, make_participant, 2)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_submit(by=coordinator, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Status.SUBMITTED and enrollment.submitted_at is not None
    assert [m.to for m in mail.outbox] == [[organizer.email]]
    assert "中老友谊侨校" in mail.outbox[0].subject


def test_apply_refusals_write_nothing(new_group, open_phase, coordinator, other_coordinator, make_participant, phase):
    open_phase.enrollment_closes = timezone.localdate() - datetime.timedelta(days=1)
    open_phase.enrollment_opens = timezone.localdate() - datetime.timedelta(days=5)
    open_phase.save()
    with pytest.raises(ValidationError, match="Enrollment for phase 2 is open from"):
        enrollment_create(by=coordinator, group=new_group, phase=open_phase)
    with pytest.raises(PermissionDenied):
        enrollment_create(by=other_coordinator, group=new_group, phase=phase)
    other_camp = factories.camp(phase.camp.organizer, federation="x", title="x", year=2027)
    foreign = factories.phase(other_camp, 1, phase.starts_on, ends_on=phase.ends_on,
                              enrollment_opens=phase.enrollment_opens, enrollment_closes=phase.enrollment_closes,
                              capacity=5)
    with pytest.raises(ValidationError):
        enrollment_create(by=coordinator, group=new_group, phase=foreign)
    assert not Enrollment.objects.filter(group=new_group).exists()
    enrollment_create(by=coordinator, group=new_group, phase=phase)
    with pytest.raises(ValidationError, match="already applied"):
        enrollment_create(by=coordinator, group=new_group, phase=phase)
    assert Enrollment.objects.filter(group=new_group).count() == 1


def test_submit_refuses_youth_outside_the_phases_ages(new_group, open_phase, coordinator, make_participant):
    enrollment = enrollment_create(by=coordinator, group=new_group, phase=open_phase)
    make_participant(new_group, with_account=False, birth_year=open_phase.starts_on.year - 5)
    with pytest.raises(ValidationError, match="1 youth on the roster are outside the ages of phase 2"):
        enrollment_submit(by=coordinator, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Status.DRAFT and enrollment.submitted_at is None


# --- Deciding -------------------------------------------------------------------------------------

def test_approval_makes_accounts_and_mails_the_coordinator(
    new_group, open_phase, coordinator, organizer, make_participant, django_capture_on_commit_callbacks
):
    speak_english(coordinator)
    consented = fill(new_group, make_participant, 3)
    missing = fill(new_group, make_participant, 1, consent=False)
    enrollment = submitted(new_group, open_phase, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decide(by=organizer, enrollment=enrollment, decision="approved")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.APPROVED and enrollment.decided_by == organizer and enrollment.decided_at
    for participant in consented:
        participant.refresh_from_db()
        assert participant.user.role == User.Role.YOUTH and JoinCode.objects.filter(user=participant.user).exists()
    missing[0].refresh_from_db()
    assert missing[0].user is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [coordinator.email]
    assert "Approved" in mail.outbox[0].subject and "print the login cards" in mail.outbox[0].body
    assert f"/groups/{new_group.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize("decision", ["waitlisted", "rejected"])
def test_waitlist_and_reject_need_a_reason_which_the_coordinator_reads(
    new_group, open_phase, coordinator, organizer, make_participant, django_capture_on_commit_callbacks, decision
):
    speak_english(coordinator)
    fill(new_group, make_participant, 2)
    enrollment = submitted(new_group, open_phase, coordinator)
    with pytest.raises(ValidationError, match="Say why"):
        enrollment_decide(by=organizer, enrollment=enrollment, decision=decision, reason="   ")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.SUBMITTED and enrollment.decided_at is None
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decide(by=organizer, enrollment=enrollment, decision=decision, reason="Phase 2 is full of teens.")
    enrollment.refresh_from_db()
    assert enrollment.status == decision and enrollment.reason == "Phase 2 is full of teens."
    assert len(mail.outbox) == 1 and "Phase 2 is full of teens." in mail.outbox[0].body
    assert enrollment.get_status_display() in mail.outbox[0].subject
    assert not User.objects.filter(role=User.Role.YOUTH, participant__group=new_group).exists()


def test_decisions_malformed_or_by_the_wrong_people(new_group, open_phase, coordinator, organizer, teacher,
                                                    make_participant, make_user):
    fill(new_group, make_participant, 1)
    enrollment = submitted(new_group, open_phase, coordinator)
    stranger = make_user(User.Role.ORGANIZER)  # organizer of no camp
    for person in (coordinator, teacher, stranger):
        with pytest.raises(PermissionDenied):
            enrollment_decide(by=person, enrollment=enrollment, decision="approved")
    with pytest.raises(ValidationError):
        enrollment_decide(by=organizer, enrollment=enrollment, decision="maybe")
    draft = enrollment_create(by=coordinator, group=extra_group(new_group.camp, "B", coordinator), phase=open_phase)
    with pytest.raises(ValidationError, match="cannot be"):
        enrollment_decide(by=organizer, enrollment=draft, decision="approved")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.SUBMITTED and enrollment.decided_by is None


def test_capacity_is_enforced_with_a_clear_message(camp, open_phase, coordinator, organizer, make_participant):
    open_phase.capacity = 5
    open_phase.save()
    first, second = extra_group(camp, "A", coordinator), extra_group(camp, "B", coordinator)
    fill(first, make_participant, 3)
    fill(second, make_participant, 3)
    enrollment_decide(by=organizer, enrollment=submitted(first, open_phase, coordinator), decision="approved")
    late = submitted(second, open_phase, coordinator)
    with pytest.raises(ValidationError) as refused:
        enrollment_decide(by=organizer, enrollment=late, decision="approved")
    assert refused.value.messages == [
        "Phase 2 has 5 places and 3 are taken: 3 more youth do not fit (2 places left)."]
    late.refresh_from_db()
    assert late.status == Status.SUBMITTED
    assert not User.objects.filter(participant__group=second).exists()
    assert phase_places_taken(open_phase) == 3


def test_a_withdrawal_offers_the_place_to_the_first_waitlisted_group_that_fits(
    camp, open_phase, coordinator, organizer, make_participant, django_capture_on_commit_callbacks
):
    open_phase.capacity = 10
    open_phase.save()
    organizer.preferred_language = "en"  # mail goes out in each recipient's language
    organizer.save(update_fields=["preferred_language"])
    approved, big, small = (extra_group(camp, name, coordinator) for name in ("A", "Big", "Small"))
    fill(approved, make_participant, 8)
    fill(big, make_participant, 9)
    fill(small, make_participant, 4)
    approved_enrollment = submitted(approved, open_phase, coordinator)
    enrollment_decide(by=organizer, enrollment=approved_enrollment, decision="approved")
    now = timezone.now()
    big_wait = submitted(big, open_phase, coordinator, when=now - datetime.timedelta(days=2))
    small_wait = submitted(small, open_phase, coordinator, when=now - datetime.timedelta(days=1))
    for waiting in (big_wait, small_wait):
        enrollment_decide(by=organizer, enrollment=waiting, decision="waitlisted", reason="Full")
    big_wait.refresh_from_db()
    small_wait.refresh_from_db()
    assert big_wait.offered_place_at is None and small_wait.offered_place_at is None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(by=coordinator, enrollment=approved_enrollment)
    big_wait.refresh_from_db()
    small_wait.refresh_from_db()
    # 10 places free: Big (9, first in line) fits and is offered; Small (4) no longer fits after it.
    assert big_wait.offered_place_at is not None and small_wait.offered_place_at is None
    assert big_wait.status == Status.WAITLISTED  # flagged, not approved: an organizer decides
    assert any("A place is free for Big" in m.subject for m in mail.outbox)

    enrollment_decide(by=organizer, enrollment=big_wait, decision="approved")
    big_wait.refresh_from_db()
    assert big_wait.status == Status.APPROVED and big_wait.offered_place_at is None


def test_a_shrinking_roster_offers_places(camp, open_phase, coordinator, organizer, make_participant):
    open_phase.capacity = 6
    open_phase.save()
    approved, waiting = extra_group(camp, "A", coordinator), extra_group(camp, "W", coordinator)
    roster = fill(approved, make_participant, 5)
    fill(waiting, make_participant, 2)
    enrollment_decide(by=organizer, enrollment=submitted(approved, open_phase, coordinator), decision="approved")
    wait = submitted(waiting, open_phase, coordinator)
    enrollment_decide(by=organizer, enrollment=wait, decision="waitlisted", reason="Full")
    wait.refresh_from_db()
    assert wait.offered_place_at is None
    participant_delete(by=coordinator, participant=roster[0])
    wait.refresh_from_db()
    assert wait.offered_place_at is not None


def test_withdraw_is_the_coordinators_and_only_once(new_group, open_phase, coordinator, other_coordinator,
                                                    make_participant):
    fill(new_group, make_participant, 1)
    enrollment = submitted(new_group, open_phase, coordinator)
    with pytest.raises(PermissionDenied):
        enrollment_withdraw(by=other_coordinator, enrollment=enrollment)
    enrollment_withdraw(by=coordinator, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Status.WITHDRAWN and enrollment.withdrawn_by == coordinator
    with pytest.raises(ValidationError):
        enrollment_withdraw(by=coordinator, enrollment=enrollment)
    # Coming back after withdrawing starts a new draft.
    again = enrollment_create(by=coordinator, group=new_group, phase=open_phase)
    assert again.pk == enrollment.pk and again.status == Status.DRAFT and again.withdrawn_at is None


# --- Pages ----------------------------------------------------------------------------------------

def test_review_queue_shows_profile_and_roster_size(client, new_group, open_phase, coordinator, organizer,
                                                    make_participant, django_assert_max_num_queries):
    speak_english(organizer)
    fill(new_group, make_participant, 7)
    submitted(new_group, open_phase, coordinator)
    client.force_login(organizer)
    response = client.get(reverse("enrollment_review"))
    page = response.content.decode()
    assert "中老友谊侨校" in page and "Sino-Lao Friendship School" in page and "7 youth" in page
    assert "Vientiane" in page and "Asia/Vientiane" not in page  # the city, not the raw zone name
    # Queries do not grow with the queue.
    with django_assert_max_num_queries(25):
        client.get(reverse("enrollment_review"))
    for number in range(5):
        group = extra_group(new_group.camp, f"G{number}", coordinator)
        fill(group, make_participant, 2)
        submitted(group, open_phase, coordinator)
    with django_assert_max_num_queries(25):
        client.get(reverse("enrollment_review"))


def test_decide_page(client, new_group, open_phase, coordinator, organizer, make_participant,
                     django_capture_on_commit_callbacks):
    speak_english(organizer)
    fill(new_group, make_participant, 2)
    enrollment = submitted(new_group, open_phase, coordinator)
    url = reverse("enrollment_decide", args=[enrollment.pk])
    client.force_login(organizer)
    assert client.get(url).status_code == 405
    response = client.post(url, {"decision": "rejected", "reason": ""}, follow=True)
    assert "Say why: the coordinator will read it." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approved", "reason": ""})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Status.APPROVED and len(mail.outbox) == 1

    client.force_login(coordinator)
    assert client.post(url, {"decision": "rejected", "reason": "x"}).status_code == 403


def test_capacity_message_on_the_page(client, camp, open_phase, coordinator, organizer, make_participant):
    speak_english(organizer)
    open_phase.capacity = 1
    open_phase.save()
    group = extra_group(camp, "Too big", coordinator)
    fill(group, make_participant, 2)
    enrollment = submitted(group, open_phase, coordinator)
    client.force_login(organizer)
    response = client.post(reverse("enrollment_decide", args=[enrollment.pk]), {"decision": "approved"}, follow=True)
    assert "Phase 2 has 1 places and 0 are taken: 2 more youth do not fit (1 places left)." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Status.SUBMITTED


def test_apply_submit_withdraw_pages(client, new_group, open_phase, coordinator, other_coordinator,
                                     make_participant):
    speak_english(coordinator)
    fill(new_group, make_participant, 2)
    client.force_login(coordinator)
    url = reverse("enrollment_apply", args=[new_group.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"phase": open_phase.pk, "action": "submit"}, follow=True)
    assert "is sent to the organizers" in response.content.decode()
    enrollment = Enrollment.objects.get(group=new_group)
    assert enrollment.status == Status.SUBMITTED
    client.force_login(other_coordinator)
    assert client.post(reverse("enrollment_withdraw", args=[enrollment.pk])).status_code == 404
    client.force_login(coordinator)
    assert client.post(reverse("enrollment_withdraw", args=[enrollment.pk])).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Status.WITHDRAWN


# --- Guardian consent before submitting and in the review queue ----------------------------------------

def test_submitting_youth_without_consent_warns_with_the_list(client, applying_group, coordinator, organizer,
                                                            make_participant):
    speak_english(coordinator, organizer)
    make_participant(applying_group, with_account=False, consent=True, family_name="Tan", given_name="Mei")
    make_participant(applying_group, with_account=False, consent=False, family_name="ວົງສະຫວັນ", given_name="ບຸນມີ")
    make_participant(applying_group, with_account=False, consent=False, family_name="Aung", given_name="Kyaw")
    client.force_login(coordinator)
    page = client.get(reverse("group_detail", args=[applying_group.pk])).content.decode()
    assert 'id="consent-missing"' in page and "ວົງສະຫວັນ ບຸນມີ" in page and "Aung Kyaw" in page
    assert "Tan Mei" not in page.split('id="consent-missing"')[1].split("</div>")[0]
    enrollment = applying_group.enrollments.get()
    response = client.post(reverse("enrollment_submit", args=[enrollment.pk]), follow=True)
    enrollment.refresh_from_db()
    assert enrollment.status == "submitted"  # a warning, not a refusal: consent may come before approval
    assert "2 youth have no guardian consent yet" in response.content.decode()
    client.force_login(organizer)
    review = client.get(reverse("enrollment_review")).content.decode()
    assert "consent missing: 2" in review


def test_no_consent_warning_when_every_guardian_agreed(client, applying_group, coordinator, make_participant):
    speak_english(coordinator)
    make_participant(applying_group, with_account=False, consent=True)
    client.force_login(coordinator)
    page = client.get(reverse("group_detail", args=[applying_group.pk])).content.decode()
    assert 'id="consent-missing"' not in page
    response = client.post(reverse("enrollment_submit", args=[applying_group.enrollments.get().pk]), follow=True)
    assert "no guardian consent" not in response.content.decode()
