"""camp.signals.youth_access_revoked: sent after commit, exactly when a youth loses access."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from camp.models import Enrollment, Participant
from camp.services.consent import ITEMS, consent_record_paper, consent_record_paper_bulk
from camp.services.enrollment import enrollment_decide, enrollment_withdraw
from camp.services.join import join_code_reissue, join_code_revoke
from camp.services.roster import participant_delete, participant_update
from camp.signals import youth_access_revoked
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, user, **kwargs):
        calls.append((sender, user.pk))

    youth_access_revoked.connect(receiver, weak=False, dispatch_uid="test_access_revoked")
    yield calls
    youth_access_revoked.disconnect(dispatch_uid="test_access_revoked")


def test_consent_withdrawal_sends_it_after_commit(coordinator, youth_participant, received,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        consent_record_paper(by=coordinator, participant=youth_participant, agreed=[], method="paper")
    assert received == []  # not before the transaction commits
    for callback in callbacks:
        callback()
    assert received == [(Participant, youth_participant.user_id)]


def test_giving_consent_does_not_send_it(coordinator, youth_participant, group, received,
                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consent_record_paper(by=coordinator, participant=youth_participant, agreed=ITEMS, method="paper")
        consent_record_paper_bulk(by=coordinator, group=group, participant_ids=[youth_participant.pk], attestation=True)
        participant_update(by=coordinator, participant=youth_participant, given_name="Mali")
    assert received == []


@pytest.mark.parametrize("service", [join_code_revoke, join_code_reissue])
def test_revoking_or_reissuing_a_code_sends_it(coordinator, youth_participant, received, service,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service(by=coordinator, participant=youth_participant)
    assert received == [(Participant, youth_participant.user_id)]


def test_removing_a_youth_sends_it_with_the_account_it_had(coordinator, youth_participant, received,
                                                           django_capture_on_commit_callbacks):
    user_pk = youth_participant.user_id
    with django_capture_on_commit_callbacks(execute=True):
        participant_delete(by=coordinator, participant=youth_participant)
    assert received == [(Participant, user_pk)]
    assert not Participant.objects.filter(pk=youth_participant.pk).exists()


def test_removing_a_youth_without_an_account_does_not_send_it(coordinator, group, make_participant, received,
                                                              django_capture_on_commit_callbacks):
    participant = make_participant(group, with_account=False)
    with django_capture_on_commit_callbacks(execute=True):
        participant_delete(by=coordinator, participant=participant)
    assert received == []


def test_refused_changes_send_nothing(other_coordinator, coordinator, youth_participant, group, make_participant,
                                      received, django_capture_on_commit_callbacks):
    no_account = make_participant(group, with_account=False)
    with django_capture_on_commit_callbacks(execute=True):
        for service in (join_code_revoke, join_code_reissue, participant_delete):
            with pytest.raises(PermissionDenied):
                service(by=other_coordinator, participant=youth_participant)
        with pytest.raises(PermissionDenied):
            consent_record_paper(by=other_coordinator, participant=youth_participant, agreed=[], method="paper")
        with pytest.raises(ValidationError):
            join_code_revoke(by=coordinator, participant=no_account)
    assert received == []
    youth_participant.refresh_from_db()
    assert youth_participant.consent_given and youth_participant.user.is_active


def test_a_failing_receiver_does_not_stop_the_others(coordinator, youth_participant,
                                                     django_capture_on_commit_callbacks):
    calls = []

    def broken(sender, user, **kwargs):
        raise RuntimeError("channel layer down")

    def after(sender, user, **kwargs):
        calls.append(user.pk)

    # Connected in this order: the broken receiver runs first.
    youth_access_revoked.connect(broken, weak=False, dispatch_uid="test_broken_receiver")
    youth_access_revoked.connect(after, weak=False, dispatch_uid="test_after_receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            join_code_revoke(by=coordinator, participant=youth_participant)
    finally:
        youth_access_revoked.disconnect(dispatch_uid="test_broken_receiver")
        youth_access_revoked.disconnect(dispatch_uid="test_after_receiver")
    assert calls == [youth_participant.user_id]


# --- Access follows the enrollment -----------------------------------------------------------------

def _signed_in_youth(client, youth):
    client.force_login(youth)
    assert client.get(reverse("my_camp")).status_code == 200
    return client


def test_withdrawing_the_only_approved_phase_signs_the_youth_out(client, coordinator, group, youth, received,
                                                                 django_capture_on_commit_callbacks):
    _signed_in_youth(client, youth)
    enrollment = group.enrollments.get(status=Enrollment.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(by=coordinator, enrollment=enrollment)
    assert received == [(Participant, youth.pk)]
    response = client.get(reverse("my_camp"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    youth.refresh_from_db()
    assert youth.is_active  # the same card works again if the group is approved again


def test_withdrawing_one_of_two_approved_phases_keeps_the_youth_in(client, coordinator, organizer, group, youth,
                                                                   phase, received,
                                                                   django_capture_on_commit_callbacks):
    second = factories.phase(phase.camp, 2, phase.ends_on, ends_on=phase.ends_on,
                             enrollment_opens=phase.enrollment_opens, enrollment_closes=phase.enrollment_closes,
                             capacity=100, min_age=8, max_age=18)
    factories.enrollment(group, second, status=Enrollment.Status.APPROVED, decided_by=organizer,
                         decided_at=timezone.now(), submitted_at=timezone.now())
    _signed_in_youth(client, youth)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(by=coordinator, enrollment=group.enrollments.get(phase=second))
    assert received == []
    assert client.get(reverse("my_camp")).status_code == 200


def test_rejecting_a_group_that_has_no_approved_phase_signs_its_youth_out(client, organizer, group, youth, received,
                                                                          django_capture_on_commit_callbacks):
    group.enrollments.update(status=Enrollment.Status.SUBMITTED)  # e.g. approved once, then re-submitted
    _signed_in_youth(client, youth)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decide(by=organizer, enrollment=group.enrollments.get(), decision="rejected", reason="Full")
    assert received == [(Participant, youth.pk)]
    assert client.get(reverse("my_camp")).status_code == 302


def test_deleting_a_group_deactivates_its_youth(client, group, youth, received, django_capture_on_commit_callbacks):
    _signed_in_youth(client, youth)
    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert received == [(Participant, youth.pk)]
    youth.refresh_from_db()
    assert not youth.is_active
    assert client.get(reverse("my_camp")).status_code == 302
