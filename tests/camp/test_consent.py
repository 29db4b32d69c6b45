"""Guardian consent: items, versions, decisions, paper consent and the guardian's link (issue #17)."""

import pytest

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
