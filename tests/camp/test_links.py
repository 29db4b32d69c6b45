"""camp/links.py: row links reversed once per page must equal Django's reverse, in every language."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from camp.links import row_link
from tests import factories


@pytest.mark.parametrize("language", ["zh-hans", "en", "th", "lo", "my"])
@pytest.mark.parametrize(
    "name", ["participant_edit", "participant_delete", "join_code_revoke", "guardian_link_page"]
)
def test_row_link_equals_reverse(name, language):
    with translation.override(language):
        link = row_link(name, 7)
        for pk in (1, 7, 42, 9081726354, 10**12):
            assert link(pk) == reverse(name, args=[7, pk])


def test_row_link_with_the_row_id_only():
    link = row_link("privacy:youth_data")
    assert [link(pk) for pk in (3, 30)] == [reverse("privacy:youth_data", args=[pk]) for pk in (3, 30)]


def test_row_link_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        row_link("participant_edit")  # the group is missing
    with pytest.raises(NoReverseMatch):
        row_link("no_such_page", 1)
    link = row_link("participant_edit", 1)
    with pytest.raises((TypeError, ValueError)):
        link("1; drop")  # a row id is an integer, never text put into the URL


@pytest.mark.django_db
def test_roster_rows_link_to_their_own_youth(client, group, coordinator, organizer):
    youth = [factories.participant(group, given_name=f"Youth{n}") for n in range(3)]
    client.force_login(coordinator)
    page = client.get(reverse("roster", args=[group.pk])).content.decode()
    for participant in youth:
        for name in (
            "participant_edit",
            "participant_delete",
            "participant_consent",
            "guardian_link_page",
            "join_code_reissue",
        ):
            assert f'"{reverse(name, args=[group.pk, participant.pk])}"' in page
        # The privacy page of a youth is the organizers' only.
        assert reverse("privacy:youth_data", args=[participant.pk]) not in page
    client.force_login(organizer)
    page = client.get(reverse("roster", args=[group.pk])).content.decode()
    assert all(f'"{reverse("privacy:youth_data", args=[p.pk])}"' in page for p in youth)
