"""What other youth see of a name: the given name and one letter for the family name."""

import pytest

from camp.models import Participant, family_initial


@pytest.mark.parametrize(
    ("family_name", "given_name", "shown"),
    [
        ("陈", "美玲", "美玲 C."),
        ("欧阳", "娜娜", "娜娜 O."),
        ("曾", "小明", "小明 Z."),  # the surname's reading, not the character's usual one
        ("แซ่ตั้ง", "สมชาย", "สมชาย แ."),
        ("ตั้ง", "สมชาย", "สมชาย ตั้."),  # the consonant with its marks, one grapheme
        ("ແສງທອງ", "ດາລາ", "ດາລາ ແ."),
        ("Tan", "Ann", "Ann T."),
        ("tan", "Ann", "Ann T."),
        ("Straße", "Eva", "Eva S."),
        ("", "Noy", "Noy"),
        ("𠀋", "Ann", "Ann"),  # a character pypinyin cannot read: no initial rather than the name itself
    ],
)
def test_display_name_shows_one_letter_of_the_family_name(family_name, given_name, shown):
    participant = Participant(family_name=family_name, given_name=given_name)
    assert participant.display_name == shown


@pytest.mark.parametrize("family_name", ["陈", "欧阳", "แซ่ตั้ง", "ແສງທອງ", "Tan", "Ñúñez", "N\u0303u\u0301n\u0303ez"])
def test_never_more_than_one_letter_and_never_a_han_character(family_name):
    initial = family_initial(family_name)
    assert len(initial) >= 1 and initial[0].isalpha() and not any("\u4e00" <= c <= "\u9fff" for c in initial)
    assert Participant(family_name=family_name, given_name="X").display_name == f"X {initial}."
    # One base character, possibly with combining marks.
    assert sum(1 for c in initial if c.isalpha()) == 1


@pytest.mark.django_db
def test_migration_rewrites_youth_names_stored_before_the_fix(group, make_participant):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("camp.migrations.0003_youth_display_name_initial")
    participant = make_participant(group, family_name="陈", given_name="美玲")
    participant.user.display_name = "美玲 陈."  # what accounts were given before
    participant.user.save(update_fields=["display_name"])
    migration.recompute(apps, None)
    participant.user.refresh_from_db()
    assert participant.user.display_name == "美玲 C."
