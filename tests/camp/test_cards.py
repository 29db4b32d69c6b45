"""Login cards in each youth's own language, with the group's other language beside it."""

import pytest
from django.urls import reverse

from camp.services.cards import card_languages, login_cards
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
