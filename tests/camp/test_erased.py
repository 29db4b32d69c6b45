"""An erased youth (privacy.services.data.youth_erase) stays as an anonymous roster placeholder for
the reports; camp's pages, counts and caps leave it out."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from camp.models import Participant
from camp.selectors import coordinator_groups
from camp.services.cards import login_cards
from camp.services.consent import consent_record_paper_bulk, guardian_links_for_group
from camp.services.enrollment import phase_places_taken, review_queue
from camp.services.roster import MAX_ROSTER, _roster_size_check
from privacy.services.data import youth_erase
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def erased(group, organizer, make_participant):
    youth = make_participant(group, given_name="Gone", family_name="Soon")
    youth_erase(by=organizer, participant=youth)
    return Participant.objects.get(pk=youth.pk)


def test_the_roster_no_longer_lists_an_erased_youth_and_the_count_drops(
    client, group, coordinator, organizer, make_participant
):
    speak_english(coordinator)
    stays = make_participant(group, given_name="Stays")
    leaves = make_participant(group, given_name="Leaves")
    client.force_login(coordinator)
    before = client.get(reverse("roster", args=[group.pk]))
    assert before.context["size"] == 2 and leaves.full_name in before.content.decode()
    assert client.get(reverse("group_detail", args=[group.pk])).context["roster"]["size"] == 2

    youth_erase(by=organizer, participant=leaves)

    assert Participant.objects.filter(pk=leaves.pk, erasure__isnull=False).exists()  # the placeholder stays
    after = client.get(reverse("roster", args=[group.pk]))
    assert after.context["size"] == 1 and [p.pk for p in after.context["participants"]] == [stays.pk]
    detail = client.get(reverse("group_detail", args=[group.pk])).context
    assert detail["roster"] == {"size": 1, "consent_missing": 0, "accounts": 1}
    assert [p.pk for p in detail["without_consent"]] == []
    (listed,) = [g for g in coordinator_groups(coordinator) if g.pk == group.pk]
    assert listed.roster_size == 1 and listed.consent_missing == 0
    (listed,) = [g for g in client.get(reverse("group_list")).context["groups"] if g.pk == group.pk]
    assert listed.roster_size == 1 and listed.consent_missing == 0
    # Its roster row is no page of the roster any more.
    assert client.get(reverse("participant_edit", args=[group.pk, leaves.pk])).status_code == 404


def test_no_card_no_guardian_link_no_bulk_consent_for_a_placeholder(client, group, coordinator, erased):
    assert [card.participant for card in login_cards(group, by=coordinator)] == []
    assert erased.pk not in guardian_links_for_group(by=coordinator, group=group)
    client.force_login(coordinator)
    page = client.get(reverse("login_cards", args=[group.pk])).content.decode()
    assert 'class="login-card"' not in page
    form = client.get(reverse("roster_consent_bulk", args=[group.pk])).context["form"]
    assert erased.pk not in [int(value) for value, _label in form.fields["participants"].choices]
    with pytest.raises(ValidationError):
        consent_record_paper_bulk(by=coordinator, group=group, participant_ids=[erased.pk], attestation=True)
    erased.refresh_from_db()
    assert not erased.consent_given and erased.user.is_active is False


def test_the_caps_and_places_do_not_count_placeholders(group, erased, make_participant, organizer):
    phase = group.enrollments.get().phase
    assert phase_places_taken(phase) == 0
    make_participant(group)
    assert phase_places_taken(phase) == 1
    _roster_size_check(group, MAX_ROSTER - 1)  # the placeholder takes no place on the roster
    with pytest.raises(ValidationError):
        _roster_size_check(group, MAX_ROSTER)
    assert all(e.roster_size <= 1 for e in review_queue(organizer))
