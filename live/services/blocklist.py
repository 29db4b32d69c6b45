"""Per-camp blocklist of words and phrases, and the link rule for youth."""

import re
import unicodedata

from django.db import transaction

from live.models import BlockedTerm

# Starter lists: common insults and profanity, plus the phrases used to pull a child into a
# private channel (no private messages exist here, so asking for one is itself the red flag).
STARTER_TERMS: dict[str, list[str]] = {
    "zh-hans": [
        "傻逼", "傻b", "煞笔", "操你", "草泥马", "他妈的", "你妈的", "妈的", "去死", "滚蛋", "贱人", "婊子",
        "王八蛋", "白痴", "脑残", "加我微信", "加微信", "微信号", "私聊", "加我qq",
    ],
    "en": [
        "fuck", "fucking", "shit", "bitch", "bastard", "asshole", "dick", "cunt", "slut", "whore", "retard",
        "kill yourself", "kys", "nudes", "send pics", "add me on", "my snapchat", "dm me", "private chat",
    ],
    "th": [
        "ควย", "เหี้ย", "สัส", "สัตว์นรก", "ไอ้สัตว์", "เย็ด", "หี", "แม่ง", "ระยำ", "ชิบหาย", "อีดอก", "ไอ้เวร",
        "ขอไลน์", "แอดไลน์", "ทักแชท",
    ],
}

# Youth may not post links unless the room allows it: a scheme, "www.", or a bare domain.
LINK_RE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|io|me|ly|gg|co|app|xyz|"
    r"link|site|top|cn|la|th|mm|ca|us|uk|tk|ru|to|tv|cc)\b)",
    re.IGNORECASE,
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize(text: str) -> str:
    """Fold width, case and invisible characters so that "ＦＵＣＫ" and "f\u200buck" match."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _latin_pattern(term: str) -> re.Pattern:
    # Whole words only ("Scunthorpe" is fine) but separators between letters do not help ("f.u.c.k").
    letters = [re.escape(ch) for ch in _squash(term)]
    return re.compile(r"(?<![^\W\d_])" + r"[\W_]*".join(letters) + r"(?![^\W\d_])")


def find_blocked_term(text: str, terms) -> str | None:
    """The first blocked term found in `text`, or None."""
    folded = normalize(text)
    squashed = _squash(folded)
    for term in terms:
        needle = normalize(term)
        if not _squash(needle):
            continue
        if needle.isascii():
            if _latin_pattern(needle).search(folded):
                return term
        # Chinese and Thai do not put spaces between words: a substring match, ignoring separators.
        elif _squash(needle) in squashed:
            return term
    return None


def contains_link(text: str) -> bool:
    return bool(LINK_RE.search(normalize(text)))


def camp_terms(camp_id: int) -> list[str]:
    return list(BlockedTerm.objects.filter(camp_id=camp_id).values_list("term", flat=True))


@transaction.atomic
def blocklist_seed_starter(*, camp) -> int:
    """Give a camp the starter lists (zh, en, th); returns how many terms were added."""
    existing = set(BlockedTerm.objects.filter(camp=camp).values_list("term", flat=True))
    new = []
    for language, terms in STARTER_TERMS.items():
        for term in terms:
            if term not in existing:
                existing.add(term)
                new.append(BlockedTerm(camp=camp, term=term, language=language))
    for row in new:
        row.full_clean(validate_unique=False)
    BlockedTerm.objects.bulk_create(new)
    return len(new)
