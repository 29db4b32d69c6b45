"""seed_demo shows guardian consent (issue #17): by link, on paper, one withdrawal, one question."""

import io

import pytest

from camp import demo
from camp.models import ConsentDecision, GuardianLink, GuardianMessage, Participant

pytestmark = pytest.mark.django_db


def test_the_demo_has_consent_by_link_on_paper_and_a_withdrawal():
    demo.seed(io.StringIO())
    assert Participant.objects.filter(consent_method="link", consent_given=True).exists()
    assert Participant.objects.filter(consent_method="paper", consent_given=True).exists()
    withdrawn = sorted(
        set(ConsentDecision.objects.filter(withdrawal=True).values_list("participant", flat=True))
    )
    assert len(withdrawn) == 1 and not Participant.objects.get(pk=withdrawn[0]).consent_given
    assert GuardianMessage.objects.count() == 1
    # Every youth has a guardian link to send, and every consented youth a decision behind the flag.
    assert GuardianLink.objects.filter(revoked_at__isnull=True).count() == Participant.objects.count()
    assert not Participant.objects.filter(consent_given=True, consent_decisions__isnull=True).exists()
    counts = (ConsentDecision.objects.count(), GuardianLink.objects.count())
    demo.seed(io.StringIO())
    assert counts == (ConsentDecision.objects.count(), GuardianLink.objects.count())
