"""Youth accounts made before display names used one letter for a Chinese family name (陈 → C)
showed the whole family name to other youth: recompute them from the roster.

The rule is copied here as it was when this migration was written (camp.models.family_initial):
a migration never imports app code, which may be renamed or changed after it has run.
"""

import unicodedata

from django.db import migrations

SURNAME_INITIALS = {
    "曾": "Z", "单": "S", "解": "X", "仇": "Q", "区": "O", "查": "Z", "朴": "P", "盖": "G", "缪": "M",
    "翟": "Z", "覃": "Q", "召": "S", "种": "C", "秘": "B", "繁": "P", "员": "Y", "乐": "Y", "尉": "Y",
}


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def family_initial(family_name: str) -> str:
    """One letter for a family name, without the dot; "" when there is none (陈 → C, ตั้ง → ตั้)."""
    name = unicodedata.normalize("NFC", family_name.strip())
    if not name:
        return ""
    first = name[0]
    if _is_han(first):
        if first in SURNAME_INITIALS:
            return SURNAME_INITIALS[first]
        from pypinyin import lazy_pinyin

        readings = lazy_pinyin(first, errors="ignore")
        letter = readings[0][:1].upper() if readings else ""
        return letter if letter.isascii() and letter.isalpha() else ""
    grapheme = first
    for char in name[1:]:
        if unicodedata.category(char).startswith("M") or char in "\u200c\u200d":
            grapheme += char
        else:
            break
    if not first.isalpha():
        return ""
    upper = grapheme.upper()
    return upper if len(upper) == len(grapheme) else grapheme


def recompute(apps, schema_editor):
    Participant = apps.get_model("camp", "Participant")
    User = apps.get_model("camp", "User")
    changed = []
    for participant in Participant.objects.filter(user__isnull=False).select_related("user").iterator():
        initial = family_initial(participant.family_name)
        name = f"{participant.given_name} {initial}." if initial else participant.given_name
        if participant.user.display_name != name:
            participant.user.display_name = name
            changed.append(participant.user)
    User.objects.bulk_update(changed, ["display_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("camp", "0002_enrollment_roster_import_join_key")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
