"""The organizers' own page for their camp's chat blocklist: add, change and remove terms, and try a
phrase against the filter (live/services/blocklist.py reads the terms).

Every term is a row of one camp. A new camp gets the starter lists (STARTER_TERMS) as rows of its own;
those rows are shown read-only here (the camp's organizers add their own words next to them), so
every camp keeps the shared floor. A term is stored as typed (trimmed, inner spaces made single);
two terms are the same when the filter reads them the same (`needle`: folded, spaces and
punctuation out), so "F U C K" is refused next to "fuck". Saving or deleting a row invalidates the
camp's compiled blocklist in every process (BlockedTerm's post_save/post_delete, live/apps.py):
rooms refuse a new term from their next message on.
"""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from camp.errors import DomainError
from live.access import can_curate_blocklist
from live.models import BlockedTerm
from live.services.blocklist import (
    CONTACT,
    LINK,
    REFUSAL_MESSAGES,
    STARTER_TERMS,
    WORD,
    _squash,
    camp_blocklist,
    content_refusal,
    fold,
)
from live.services.common import MAX_TEXT

MAX_TERM = BlockedTerm._meta.get_field("term").max_length
# C0/C1 control characters (tab and newlines are spaces here: the box is one line).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@cache
def starter_terms() -> frozenset[str]:
    return frozenset(term for terms in STARTER_TERMS.values() for term in terms)


def is_starter(term: BlockedTerm) -> bool:
    """A row of the starter lists: read-only on the organizers' page."""
    return term.term in starter_terms()


def needle(term: str) -> str:
    """What the filter looks for: the term folded, without spaces and punctuation."""
    return _squash(fold(term))


def language_choices() -> list[tuple[str, str]]:
    return [("", _("Any language")), *settings.LANGUAGES]


def clean_term(term) -> str:
    """A term as stored: one line, spaces made single, 1 to MAX_TERM characters with a letter or digit."""
    if not isinstance(term, str):
        raise DomainError({"term": _("Write a word or phrase.")}, code="term_empty")
    if _CONTROL_RE.search(term):
        raise DomainError({"term": _("The term has invisible control characters: type it again rather than "
                                     "pasting it.")}, code="term_control")
    term = " ".join(term.split())
    if not term:
        raise DomainError({"term": _("Write a word or phrase.")}, code="term_empty")
    if len(term) > MAX_TERM:
        raise DomainError({"term": _("A term is at most %(limit)s characters (this one has %(count)s).")
                           % {"limit": MAX_TERM, "count": len(term)}}, code="term_too_long")
    if not needle(term):
        raise DomainError({"term": _("A term needs at least one letter or digit.")}, code="term_no_letters")
    return term


def clean_language(language) -> str:
    if language in (None, ""):
        return ""
    if language not in dict(settings.LANGUAGES):
        raise DomainError({"language": _("Choose one of the languages.")}, code="term_language")
    return language


def _require_curator(by, camp_id: int) -> None:
    if not can_curate_blocklist(by, camp_id):
        raise PermissionDenied


def _check_duplicate(camp_id: int, term: str, *, exclude_pk=None) -> None:
    wanted = needle(term)
    others = BlockedTerm.objects.filter(camp_id=camp_id).exclude(pk=exclude_pk).values_list("term", flat=True)
    for other in others:
        if needle(other) == wanted:
            raise DomainError({"term": _("The list already has this term (as “%(existing)s”).")
                               % {"existing": other}}, code="term_duplicate")


def _require_own(term: BlockedTerm) -> None:
    if is_starter(term):
        raise DomainError(_("This term is on the starter list, which every camp keeps: it cannot be changed "
                            "here."), code="term_starter")


@transaction.atomic
def blocked_term_add(*, by, camp, term, language="") -> BlockedTerm:
    """Add a word or phrase to the camp's blocklist (an organizer of the camp)."""
    _require_curator(by, camp.pk)
    row = BlockedTerm(camp=camp, term=clean_term(term), language=clean_language(language))
    _check_duplicate(camp.pk, row.term)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def blocked_term_update(*, by, blocked_term: BlockedTerm, term, language="") -> BlockedTerm:
    """Change one of the camp's own terms (not a starter one)."""
    row = BlockedTerm.objects.select_for_update().get(pk=blocked_term.pk)
    _require_curator(by, row.camp_id)
    _require_own(row)
    row.term, row.language = clean_term(term), clean_language(language)
    _check_duplicate(row.camp_id, row.term, exclude_pk=row.pk)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def blocked_term_delete(*, by, blocked_term: BlockedTerm) -> None:
    """Take one of the camp's own terms (not a starter one) off the blocklist."""
    row = BlockedTerm.objects.select_for_update().filter(pk=blocked_term.pk).first()
    if row is None:
        return  # already gone (a second click)
    _require_curator(by, row.camp_id)
    _require_own(row)
    row.delete()


@dataclass(frozen=True)
class Verdict:
    """What the chat filter would do with a phrase from a youth in a room where links are off."""

    text: str
    reason: str | None  # WORD, LINK, CONTACT or None (it would pass)
    term: str | None = None  # the blocked term found (WORD)

    @property
    def refused(self) -> bool:
        return self.reason is not None

    @property
    def youth_reads(self):
        return REFUSAL_MESSAGES[self.reason] if self.reason else None

    @property
    def adults_too(self) -> bool:
        """Words are refused from everybody; links and contacts only from youth."""
        return self.reason == WORD


REASONS = (WORD, LINK, CONTACT)


def blocklist_try(*, by, camp, text) -> Verdict:
    """Run the camp's chat filter (the same compiled list the rooms use) on a phrase; nothing is stored."""
    _require_curator(by, camp.pk)
    if not isinstance(text, str) or not text.strip():
        raise DomainError({"text": _("Write a phrase to try.")}, code="try_empty")
    # As the chat reads a message: control characters go, at most MAX_TEXT characters.
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        raise DomainError({"text": _("Write a phrase to try.")}, code="try_empty")
    if len(text) > MAX_TEXT:
        raise DomainError({"text": _("A chat message is at most %(limit)s characters (this one has %(count)s).")
                           % {"limit": MAX_TEXT, "count": len(text)}}, code="try_too_long")
    blocklist = camp_blocklist(camp.pk)
    reason = content_refusal(blocklist, text, youth=True, links_allowed=False)
    return Verdict(text=text, reason=reason, term=blocklist.find(text) if reason == WORD else None)
