"""Login cards: the youth's half in their own language, the guardian's half with their consent link."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from camp.models import GuardianLink, JoinCode
from camp.services.cards import card_languages, login_cards
from camp.services.consent import consent_record_paper, guardian_link_url
from camp.services.join import youth_accounts_issue

pytestmark = pytest.mark.django_db


def test_each_card_speaks_the_youths_own_language_first(client, group, coordinator, make_participant):
    thai = make_participant(
        group, with_account=False, given_name="สมชาย", family_name="แซ่ตั้ง", preferred_language="th"
    )
    chinese = make_participant(
        group, with_account=False, given_name="小龙", family_name="王", preferred_language="zh-hans"
    )
    youth_accounts_issue(group=group)
    cards = {card.participant: card for card in login_cards(group)}
    assert [text.language for text in cards[thai].texts] == ["th", "zh-hans"]
    assert [text.language for text in cards[chinese].texts] == ["zh-hans", "th"]
    client.force_login(coordinator)
    page = client.get(reverse("login_cards", args=[group.pk])).content.decode()
    assert (
        '<article class="login-card" aria-label="王小龙" lang="zh-hans">' in page
    )  # family name first, no space
    assert '<article class="login-card" aria-label="สมชาย แซ่ตั้ง" lang="th">' in page


def test_two_languages_at_most_and_chinese_for_a_group_of_one_language(group, make_participant):
    group.languages = ["th"]
    youth = make_participant(group, with_account=False, preferred_language="th")
    assert card_languages(youth, group) == ["th", "zh-hans"]
    group.languages = ["lo", "th", "en", "zh-hans"]
    assert len(card_languages(youth, group)) == 2


def test_every_youth_gets_a_card_with_the_guardians_half(client, group, coordinator, make_participant):
    consented = make_participant(group, with_account=False, given_name="Ready", preferred_language="th")
    waiting = make_participant(
        group, with_account=False, consent=False, given_name="Waiting", preferred_language="lo"
    )
    youth_accounts_issue(group=group)
    cards = {card.participant: card for card in login_cards(group, by=coordinator)}
    assert set(cards) == {consented, waiting}
    consented.refresh_from_db()
    code = JoinCode.objects.get(user=consented.user).code
    assert cards[consented].code == code and cards[consented].waiting == ""
    # No consent, no account and no code: only the guardian's half works.
    assert (
        waiting.user_id is None
        and cards[waiting].code == cards[waiting].url == ""
        and not cards[waiting].qr_svg
    )
    assert cards[waiting].waiting == "consent"
    links = {link.participant_id: link for link in GuardianLink.objects.filter(revoked_at__isnull=True)}
    for participant, card in cards.items():
        assert card.guardian_url == guardian_link_url(links[participant.pk])
        assert card.guardian_qr_svg.startswith("<svg")
    client.force_login(coordinator)
    page = client.get(reverse("login_cards", args=[group.pk])).content.decode()
    assert code in page and cards[waiting].guardian_url in page and cards[consented].guardian_url in page
    assert page.count('class="half guardian"') == 2
    # The youth's half in the child's language; the guardian's line in it and the group's other one
    # (once only while both languages read the same, e.g. before a catalog has the line).
    assert [text.language for text in cards[waiting].texts] == ["lo", "th"]
    with translation.override("lo"):
        assert _("Your code comes once your guardian agrees.") in page
    for card in cards.values():
        lines = [text.guardian_line for text in card.texts]
        own = card.texts[0]
        assert f'<p class="line" lang="{own.language}">{own.guardian_line}</p>' in page
        if lines[1] != lines[0]:
            other = card.texts[1]
            assert f'<p class="line" lang="{other.language}">{other.guardian_line}</p>' in page
    expected = sum(
        1 if card.texts[0].guardian_line == card.texts[1].guardian_line else 2 for card in cards.values()
    )
    assert page.count('<p class="line"') == expected


def test_a_lapsed_consent_prints_no_code(group, coordinator, make_participant):
    youth = make_participant(group, with_account=False)
    youth_accounts_issue(group=group)
    youth.refresh_from_db()
    consent_record_paper(by=coordinator, participant=youth, agreed=[], method="paper")
    (card,) = login_cards(group, by=coordinator)
    assert card.code == "" and card.waiting == "consent" and card.guardian_url
    assert login_cards(group) == []  # without a printer no guardian half: nothing to print


def test_cards_for_an_unapproved_group_wait_for_the_approval(new_group, coordinator, make_participant):
    make_participant(new_group, with_account=False)
    (card,) = login_cards(new_group, by=coordinator)
    assert card.code == "" and card.waiting == "approval" and card.guardian_url


def test_cards_are_printed_only_by_the_groups_managers(group, other_coordinator, make_participant):
    make_participant(group, with_account=False)
    with pytest.raises(PermissionDenied):
        login_cards(group, by=other_coordinator)
    assert not GuardianLink.objects.exists()


def test_the_group_page_links_the_cards_before_any_youth_has_a_code(
    client, new_group, coordinator, make_participant
):
    client.force_login(coordinator)
    cards = reverse("login_cards", args=[new_group.pk])
    assert (
        cards not in client.get(reverse("group_detail", args=[new_group.pk])).content.decode()
    )  # nobody yet
    make_participant(new_group, with_account=False, consent=False)
    assert cards in client.get(reverse("group_detail", args=[new_group.pk])).content.decode()
