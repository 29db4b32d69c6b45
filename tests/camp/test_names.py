"""Names in their culture's order, and what tells two youth of the same name apart for adults."""

import pytest

from camp.forms import BulkConsentForm
from camp.models import Participant
from camp.names import adult_label, full_name, tells_apart


@pytest.mark.parametrize(
    ("family_name", "given_name", "whole"),
    [
        ("王", "小龙", "王小龙"),  # Chinese: family name first, no space
        ("欧阳", "娜娜", "欧阳娜娜"),
        ("แซ่ตั้ง", "สมชาย", "สมชาย แซ่ตั้ง"),  # Thai: given name first
        ("ແສງທອງ", "ດາລາ", "ດາລາ ແສງທອງ"),  # Lao: given name first
        ("", "အောင်မြင့်", "အောင်မြင့်"),  # Burmese: one name
        ("Tan", "Ann", "Ann Tan"),
        ("王", "Ann", "Ann 王"),  # mixed scripts: not a Chinese name, given name first
        (" 王 ", " 小龙", "王小龙"),
    ],
)
def test_full_name_in_the_names_own_order(family_name, given_name, whole):
    assert full_name(family_name, given_name) == whole
    assert Participant(family_name=family_name, given_name=given_name).full_name == whole


def test_other_youth_still_see_only_the_given_name_and_an_initial():
    assert Participant(family_name="王", given_name="小龙").display_name == "小龙 W."
    assert Participant(family_name="", given_name="အောင်မြင့်").display_name == "အောင်မြင့်"


@pytest.mark.django_db
def test_two_youth_of_the_same_name_are_told_apart(group, make_participant):
    first = make_participant(
        group,
        with_account=False,
        family_name="แซ่ตั้ง",
        given_name="สมชาย",
        chinese_name="陈明",
        birth_year=2013,
    )
    second = make_participant(
        group, with_account=False, family_name="แซ่ตั้ง", given_name="สมชาย", birth_year=2014
    )
    assert first.full_name == second.full_name
    assert adult_label(first) != adult_label(second)
    assert tells_apart(first) == ["陈明", "2013", f"#{first.pk}"]
    assert group.name in tells_apart(second, with_group=True)
    labels = dict(BulkConsentForm(participants=[first, second]).fields["participants"].choices)
    assert labels[str(first.pk)] != labels[str(second.pk)]
