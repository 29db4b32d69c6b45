"""How a youth's name is written, in the order of the name's own culture.

The roster keeps a family name and a given name, as the family writes them. They are put together
by the script of the name, not by the page's language: a Chinese name is family name first with no
space (王 + 小龙 → 王小龙, on a Thai page too), a Thai or Lao name is given name first (สมชาย แซ่ตั้ง),
and a Burmese name is one name (အောင်မြင့်): Burmese has no family names, so the roster leaves the
family name blank and the given name holds the whole name (camp/0006). Romanized names follow the
same given-first order as the Thai and Lao ones.

Other youth never see more than `display_name` (the given name and one letter of the family name);
adults who tell youth apart (roster, attendance, certificates) get `tells_apart`.
"""

import unicodedata


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def is_chinese(text: str) -> bool:
    """True when the text's letters are all Han characters (a name written in Chinese)."""
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(_is_han(char) for char in letters)


def full_name(family_name: str, given_name: str) -> str:
    """The whole name in its culture's order: 王小龙, สมชาย แซ่ตั้ง, အောင်မြင့်, Ann Tan."""
    family, given = family_name or "", given_name or ""
    if not family.strip():
        return given.strip()
    if not given.strip():
        return family.strip()
    if is_chinese(family) and is_chinese(given):
        return f"{family.strip()}{given.strip()}"
    return f"{given} {family}".strip()


def display_name(family_name: str, given_name: str) -> str:
    """What other youth see: the given name and one letter of the family name, never more."""
    from camp.models import family_initial  # camp.models uses this module for its properties

    given = (given_name or "").strip()
    initial = family_initial(family_name or "")
    return f"{given} {initial}." if initial else given


def tells_apart(participant, *, with_group: bool = False) -> list[str]:
    """What an adult reads beside the name to tell two youth with the same name apart.

    The Chinese name when it is not already the name shown, the birth year, the group (on pages that
    list several groups) and the roster number (the participant's number, the same on every page).
    """
    bits = []
    shown = participant.full_name
    if participant.chinese_name and participant.chinese_name != shown:
        bits.append(participant.chinese_name)
    if participant.birth_year:
        bits.append(str(participant.birth_year))
    if with_group:
        bits.append(participant.group.name)
    if participant.pk:
        bits.append(f"#{participant.pk}")
    return bits


def adult_label(participant, *, with_group: bool = False) -> str:
    """The name with what tells it apart, for adults' pickers: "สมชาย แซ่ตั้ง (陈明 · 2013 · #12)"."""
    bits = tells_apart(participant, with_group=with_group)
    return f"{participant.full_name} ({' · '.join(bits)})" if bits else participant.full_name
