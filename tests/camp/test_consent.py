"""Guardian consent: items, versions, decisions, paper consent and the guardian's link (issue #17)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from camp.models import ConsentDecision, ConsentItem, Participant
from camp.services.consent import (
    consent_allows,
    consent_answer,
    consent_version_current,
    guardian_link_ensure,
)

pytestmark = pytest.mark.django_db

ALL = dict.fromkeys(ConsentItem.values, True)


def test_consent_allows_reads_the_current_answers(group, coordinator, make_participant):
    participant = make_participant(group, with_account=False, consent=False)
    assert not consent_allows(participant, "participation") and not consent_allows(participant, "camera")
    link = guardian_link_ensure(by=coordinator, participant=participant)
    consent_answer(
        link=link, version=consent_version_current().number, answers=ALL | {"showcase_camp": False}
    )
    participant.refresh_from_db()
    assert participant.consent_given and participant.consent_method == Participant.ConsentMethod.GUARDIAN_LINK
    assert consent_allows(participant, "camera") and consent_allows(participant, "showcase_group")
    assert not consent_allows(participant, "showcase_camp")
    assert ConsentDecision.objects.filter(participant=participant).count() == len(ConsentItem.values)
    with pytest.raises(ValueError):
        consent_allows(participant, "everything")


def test_existing_consent_becomes_a_paper_decision_for_participation(group, coordinator, make_participant):
    """Migration 0008: consent recorded before issue #17 is the coordinator's word for participation."""
    import importlib

    from django.apps import apps

    from camp.models import ConsentVersion

    given = make_participant(group, with_account=False)
    given.consent_recorded_by = coordinator
    given.save(update_fields=["consent_recorded_by"])
    missing = make_participant(group, with_account=False, consent=False)
    ConsentDecision.objects.all().delete()
    ConsentVersion.objects.all().delete()
    importlib.import_module("camp.migrations.0008_consent_decisions_from_flags").forwards(apps, None)
    rows = list(
        ConsentDecision.objects.values_list(
            "participant", "item", "agreed", "source", "recorded_by", "method"
        )
    )
    assert rows == [(given.pk, "participation", True, "paper", coordinator.pk, "paper")]
    assert ConsentVersion.objects.get().number == 1
    given.refresh_from_db()
    assert consent_allows(given, "participation") and not consent_allows(given, "recording")
    assert not consent_allows(missing, "participation")


def test_a_new_version_asks_again(group, coordinator, make_participant):
    from camp.services.consent import consent_answers, consent_version_publish

    participant = make_participant(group, with_account=True, consent=False)
    link = guardian_link_ensure(by=coordinator, participant=participant)
    consent_answer(link=link, version=consent_version_current().number, answers=ALL)
    participant.refresh_from_db()
    assert participant.consent_given and consent_allows(participant, "camera")
    password = participant.user.password
    version = consent_version_publish(changes="Recordings are kept 30 days.")
    participant.refresh_from_db()
    assert version.number == 2 and consent_version_current() == version
    assert not participant.consent_given and not consent_allows(participant, "camera")
    assert consent_answers(participant) == {}
    # Not logged out at once (documented): nothing was withdrawn; pages and rooms check consent_given.
    participant.user.refresh_from_db()
    assert participant.user.password == password
    with pytest.raises(ValidationError):
        consent_answer(link=link, version=1, answers=ALL)
    consent_answer(link=link, version=2, answers=ALL | {"camera": False})
    participant.refresh_from_db()
    assert participant.consent_given and not consent_allows(participant, "camera")
    assert ConsentDecision.objects.filter(participant=participant).count() == 10  # the old answers are kept


@pytest.mark.parametrize(
    "answers",
    [
        {},
        dict.fromkeys(["participation"], True),
        ALL | {"biometrics": True},
        ALL | {"camera": "yes"},
        None,
    ],
)
def test_malformed_answers_write_nothing(group, coordinator, make_participant, answers):
    participant = make_participant(group, with_account=False, consent=False)
    link = guardian_link_ensure(by=coordinator, participant=participant)
    with pytest.raises(ValidationError):
        consent_answer(link=link, version=consent_version_current().number, answers=answers)
    assert not ConsentDecision.objects.filter(participant=participant).exists()


def test_outsiders_cannot_record_paper_consent_or_touch_links(
    group, other_coordinator, teacher, youth, make_participant
):
    from camp.services.consent import (
        consent_record_paper,
        consent_record_paper_bulk,
        guardian_link_rotate,
        guardian_link_send,
    )

    participant = make_participant(group, with_account=False, consent=False)
    for person in (other_coordinator, teacher, youth):
        with pytest.raises(PermissionDenied):
            consent_record_paper(by=person, participant=participant, agreed=["participation"], method="paper")
        with pytest.raises(PermissionDenied):
            consent_record_paper_bulk(
                by=person, group=group, participant_ids=[participant.pk], attestation=True
            )
        for service in (guardian_link_ensure, guardian_link_rotate, guardian_link_send):
            with pytest.raises(PermissionDenied):
                service(by=person, participant=participant)
    participant.refresh_from_db()
    assert not participant.consent_given
    assert not ConsentDecision.objects.exists() and not participant.guardian_links.exists()


def test_a_revoked_link_writes_nothing(group, coordinator, make_participant):
    from camp.services.consent import (
        GuardianLinkRefused,
        consent_withdraw,
        guardian_link_rotate,
        guardian_message_send,
    )

    participant = make_participant(group, with_account=False, consent=False)
    old = guardian_link_ensure(by=coordinator, participant=participant)
    guardian_link_rotate(by=coordinator, participant=participant)
    for call in (
        lambda: consent_answer(link=old, version=consent_version_current().number, answers=ALL),
        lambda: consent_withdraw(link=old),
        lambda: guardian_message_send(link=old, body="hello"),
    ):
        with pytest.raises(GuardianLinkRefused):
            call()
    assert not ConsentDecision.objects.exists() and not participant.guardian_messages.exists()


def test_withdrawal_sends_youth_access_revoked_after_commit(
    group, coordinator, youth_participant, django_capture_on_commit_callbacks
):
    from camp.services.consent import consent_withdraw
    from camp.signals import youth_access_revoked

    received = []

    def receiver(sender, user, **kwargs):
        received.append(user.pk)

    youth_access_revoked.connect(receiver, weak=False, dispatch_uid="test_consent_withdrawal")
    try:
        link = guardian_link_ensure(by=coordinator, participant=youth_participant)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            consent_withdraw(link=link)
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [youth_participant.user_id]
    finally:
        youth_access_revoked.disconnect(dispatch_uid="test_consent_withdrawal")
    youth_participant.refresh_from_db()
    assert not youth_participant.consent_given
    assert not consent_allows(youth_participant, "participation")


def test_the_token_is_not_stored(group, coordinator, make_participant):
    from camp.models import GuardianLink
    from camp.services.consent import guardian_link_token

    participant = make_participant(group, with_account=False, consent=False)
    link = guardian_link_ensure(by=coordinator, participant=participant)
    token = guardian_link_token(link)
    stored = GuardianLink.objects.filter(pk=link.pk).values().get()
    assert token not in str(stored)


def test_the_command_publishes_a_version(group, make_participant):
    import io

    from django.core.management import call_command

    participant = make_participant(group, with_account=False)
    out = io.StringIO()
    call_command("consent_version_publish", "--changes", "Recordings are kept 30 days.", stdout=out)
    participant.refresh_from_db()
    assert "version 2" in out.getvalue() and not participant.consent_given
    assert consent_version_current().changes == "Recordings are kept 30 days."


def test_consent_allowed_ids_agrees_with_consent_allows(
    group, coordinator, make_participant, django_assert_max_num_queries
):
    from camp.services.consent import consent_allowed_ids

    people = [make_participant(group, with_account=False, consent=False) for _index in range(4)]
    for participant, camera in zip(people[:3], (True, False, True), strict=True):
        link = guardian_link_ensure(by=coordinator, participant=participant)
        consent_answer(link=link, version=consent_version_current().number, answers=ALL | {"camera": camera})
    ids = [p.pk for p in people]
    with django_assert_max_num_queries(3):
        allowed = consent_allowed_ids(ids, "camera")
    for participant in people:
        participant.refresh_from_db()
        assert (participant.pk in allowed) == consent_allows(participant, "camera")
    assert allowed == {people[0].pk, people[2].pk}
    assert consent_allowed_ids(ids, "participation") == {p.pk for p in people[:3]}
