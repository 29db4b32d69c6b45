"""Per-camp blocklist of words and phrases, and the link rule for youth."""

import re
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass

from django.core.cache import cache
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


@dataclass(frozen=True)
class CompiledBlocklist:
    """A camp's terms, normalized and compiled once: Latin terms as whole-word patterns, the
    others (Chinese, Thai: no spaces between words) as squashed substrings."""

    patterns: tuple[tuple[str, re.Pattern], ...]
    substrings: tuple[tuple[str, str], ...]

    @classmethod
    def build(cls, terms) -> "CompiledBlocklist":
        patterns, substrings = [], []
        for term in terms:
            needle = normalize(term)
            if not _squash(needle):
                continue
            if needle.isascii():
                patterns.append((term, _latin_pattern(needle)))
            else:
                substrings.append((term, _squash(needle)))
        return cls(tuple(patterns), tuple(substrings))

    def find(self, text: str) -> str | None:
        """The first blocked term found in `text`, or None."""
        folded = normalize(text)
        for term, pattern in self.patterns:
            if pattern.search(folded):
                return term
        if self.substrings:
            squashed = _squash(folded)
            for term, needle in self.substrings:
                if needle in squashed:
                    return term
        return None


def find_blocked_term(text: str, terms) -> str | None:
    """The first blocked term found in `text`, or None."""
    return CompiledBlocklist.build(terms).find(text)


def contains_link(text: str) -> bool:
    return bool(LINK_RE.search(normalize(text)))


def camp_terms(camp_id: int) -> list[str]:
    return list(BlockedTerm.objects.filter(camp_id=camp_id).values_list("term", flat=True))


# The compiled blocklist of each camp, per process: {camp_id: (version, loaded_at, blocklist)}.
# Every change to a camp's terms writes a new random version into Django's cache (Redis when
# several processes run, so all of them see it); a process reloads when the version differs.
# The TTL bounds staleness where the cache is per process (LocMemCache with several daphnes)
# or a version write was lost.
BLOCKLIST_TTL = 60.0  # seconds
_compiled: dict[int, tuple[str | None, float, CompiledBlocklist]] = {}
_compiled_lock = threading.Lock()


def _version_key(camp_id: int) -> str:
    return f"live:blocklist:version:{camp_id}"


def blocklist_version_bump(camp_id: int) -> None:
    """Invalidate the camp's compiled blocklist in every process. Bumped at once and again after
    commit, so that a process that reloads in between (seeing the old rows) does not keep them.
    Versions are random tokens, not counters: a cleared cache never brings an old one back."""
    cache.set(_version_key(camp_id), uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(_version_key(camp_id), uuid.uuid4().hex, timeout=None))


def camp_blocklist(camp_id: int) -> CompiledBlocklist:
    """The camp's compiled blocklist: one cache read per call, a database read only when the
    terms changed (or after BLOCKLIST_TTL)."""
    version = cache.get(_version_key(camp_id))
    now = time.monotonic()
    with _compiled_lock:
        entry = _compiled.get(camp_id)
    if entry is not None and version is not None and entry[0] == version and now - entry[1] < BLOCKLIST_TTL:
        return entry[2]
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(_version_key(camp_id), version, timeout=None):
            version = cache.get(_version_key(camp_id))
    blocklist = CompiledBlocklist.build(camp_terms(camp_id))
    with _compiled_lock:
        _compiled[camp_id] = (version, now, blocklist)
    return blocklist


def _term_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        blocklist_version_bump(instance.camp_id)


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
    if new:
        blocklist_version_bump(camp.pk)  # bulk_create sends no post_save
    return len(new)
