"""Guardian consent (issue #17): the guardian's own link, item-by-item decisions, versions of the
consent text, paper consent recorded by a coordinator, withdrawal, and questions to the coordinators.

Every decision is a ConsentDecision row (item, agreed or not, version, time, how, who recorded
it); nothing is overwritten. The current answer to an item is the latest row of the current
version. `Participant.consent_given` keeps its old meaning for the rest of the code — every
required item agreed in the current version — and is kept in sync here (`_sync`), so the login
gate and every existing check read it as before. Other items are read with `consent_allows`.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from camp.access import can_manage_group
from camp.errors import DomainError
from camp.mail import Recipient, mail_send, site_url
from camp.models import (
    REQUIRED_CONSENT_ITEMS,
    ConsentDecision,
    ConsentItem,
    ConsentVersion,
    Group,
    GuardianLink,
    GuardianMessage,
    Participant,
    User,
)
from camp.ratelimit import address_key, give_back, hit
from camp.services.join import youth_access_revoked_announce

ITEMS = tuple(ConsentItem.values)
# Failed guardian-link lookups per client address (IPv6: per /64), as join codes:
# (tries, seconds). A right link gives its slot back.
DEFAULT_RATE_LIMIT = (20, 60)
# Questions one link may send to the coordinators: (messages, seconds).
DEFAULT_MESSAGE_LIMIT = (5, 3600)


# --- Reading consent -----------------------------------------------------------------------------


def consent_version_current() -> ConsentVersion:
    """The consent text guardians answer now: the highest version (version 1 made when missing)."""
    version = ConsentVersion.objects.order_by("-number").first()
    if version is None:
        version, _created = ConsentVersion.objects.get_or_create(
            number=1, defaults={"published_at": timezone.now()}
        )
    return version


def consent_answers(
    participant: Participant, version: ConsentVersion | None = None
) -> dict[str, ConsentDecision]:
    """The latest decision per item in `version` (the current one by default); items never answered are absent."""
    version = version or consent_version_current()
    answers: dict[str, ConsentDecision] = {}
    for decision in participant.consent_decisions.filter(version=version).select_related("recorded_by"):
        answers.setdefault(decision.item, decision)  # newest first (Meta.ordering)
    return answers


def consent_allows(participant: Participant | None, item: str) -> bool:
    """True when the guardian (or a recorded paper consent) agreed to `item` in the current consent
    version and has not withdrawn it. Every item needs the required ones too: a youth who may not take
    part may not turn on a camera either."""
    if item not in ITEMS:
        raise ValueError(f"unknown consent item {item!r}")
    if participant is None or not participant.consent_given:
        return False
    if item in REQUIRED_CONSENT_ITEMS:
        return True
    latest = (
        ConsentDecision.objects.filter(participant=participant, item=item, version=consent_version_current())
        .order_by("-decided_at", "-pk")
        .values_list("agreed", flat=True)
        .first()
    )
    return bool(latest)


def consent_allowed_ids(participant_ids, item: str) -> set[int]:
    """Of these participants, those `consent_allows(p, item)` is True for, in two queries whatever
    their number (a page listing many youth's work, a room's people)."""
    if item not in ITEMS:
        raise ValueError(f"unknown consent item {item!r}")
    given = set(
        Participant.objects.filter(pk__in=list(participant_ids), consent_given=True).values_list(
            "pk", flat=True
        )
    )
    if item in REQUIRED_CONSENT_ITEMS or not given:
        return given
    latest: dict[int, bool] = {}
    rows = (
        ConsentDecision.objects.filter(participant_id__in=given, item=item, version=consent_version_current())
        .order_by("participant_id", "-decided_at", "-pk")
        .values_list("participant_id", "agreed")
    )
    for participant_id, agreed in rows:
        latest.setdefault(participant_id, agreed)
    return {participant_id for participant_id, agreed in latest.items() if agreed}


@dataclass
class ConsentSummary:
    """The latest answer to the required item, for the roster: when, by whom; withdrawn (agreed
    once, then no) or declined (the guardian said no and never yes)."""

    decided_at: object
    by_guardian: bool
    agreed: bool
    recorded_by: User | None
    withdrawn: bool = False

    @property
    def declined(self) -> bool:
        return not self.agreed and not self.withdrawn and self.by_guardian


def consent_summaries(participants) -> dict[int, ConsentSummary]:
    """Per participant id, the latest decision on "participation" in the current version (one query)."""
    ids = [participant.pk for participant in participants]
    summaries: dict[int, ConsentSummary] = {}
    rows = (
        ConsentDecision.objects.filter(
            participant_id__in=ids, item=REQUIRED_CONSENT_ITEMS[0], version=consent_version_current()
        )
        .select_related("recorded_by")
        .order_by("participant_id", "-decided_at", "-pk")
    )
    for row in rows:
        summary = summaries.get(row.participant_id)
        if summary is None:
            summaries[row.participant_id] = ConsentSummary(
                row.decided_at,
                row.source == ConsentDecision.Source.GUARDIAN_LINK,
                row.agreed,
                row.recorded_by,
                withdrawn=not row.agreed and row.withdrawal,
            )
        elif not summary.agreed and row.agreed:
            summary.withdrawn = True  # agreed before, no now: a withdrawal, whichever button said it
    return summaries


def consent_history(participant: Participant) -> list[ConsentDecision]:
    """Every decision about this youth, newest first (for the coordinator's page)."""
    return list(participant.consent_decisions.select_related("version", "recorded_by"))


# --- Writing decisions ---------------------------------------------------------------------------


def _locked(participant: Participant) -> Participant:
    return (
        Participant.objects.select_for_update(of=("self",))
        .select_related("group", "user")
        .get(pk=participant.pk)
    )


def _sync(participant: Participant, version: ConsentVersion, now) -> bool:
    """Set consent_given (and when/how/who) from the decisions; True when the youth just lost it."""
    answers = consent_answers(participant, version)
    required = [answers.get(item) for item in REQUIRED_CONSENT_ITEMS]
    was = participant.consent_given
    given = all(decision is not None and decision.agreed for decision in required)
    participant.consent_given = given
    if given:
        newest = max(required, key=lambda decision: (decision.decided_at, decision.pk))
        participant.consent_at = newest.decided_at
        participant.consent_method = (
            newest.method
            if newest.source == ConsentDecision.Source.PAPER
            else Participant.ConsentMethod.GUARDIAN_LINK
        )
        participant.consent_recorded_by = newest.recorded_by
    else:
        participant.consent_at = None
        participant.consent_method = ""
        participant.consent_recorded_by = None
    # No full_clean(): these four fields are ours, and a legacy row whose names predate the name
    # checks must not keep its guardian from answering (the consent_has_time constraint still holds).
    participant.save(update_fields=["consent_given", "consent_at", "consent_method", "consent_recorded_by"])
    return was and not given


def _after_change(participant: Participant, *, lost: bool, by: User | None) -> None:
    if lost and participant.user is not None:
        # Without consent the youth may not be here: every session ends (a new unusable password
        # changes the session hash) and the other apps close their doors (open rooms, feeds).
        participant.user.set_unusable_password()
        participant.user.save(update_fields=["password"])
        youth_access_revoked_announce(participant.user)
    if participant.consent_given and participant.user is None:
        from camp.services.join import group_is_approved, youth_accounts_issue

        if group_is_approved(participant.group):
            youth_accounts_issue(group=participant.group, issued_by=by)


def _clean_answers(answers, version_number) -> tuple[dict[str, bool], ConsentVersion]:
    """The answers to every item of the current version, or a DomainError (nothing written)."""
    version = consent_version_current()
    try:
        number = int(version_number)
    except (TypeError, ValueError):
        number = None
    if number != version.number:
        raise DomainError(
            _("The consent text changed while you were reading it. Please read it again."),
            code="stale_version",
        )
    if not isinstance(answers, dict) or set(answers) != set(ITEMS):
        raise DomainError(_("Answer every item: agree or do not agree."), code="items")
    if not all(isinstance(value, bool) for value in answers.values()):
        raise DomainError(_("Answer every item: agree or do not agree."), code="items")
    return answers, version


def _write(
    participant, version, answers: dict[str, bool], *, source, now, by=None, method="", withdrawal=False
):
    rows = [
        ConsentDecision(
            participant=participant,
            version=version,
            item=item,
            agreed=answers[item],
            decided_at=now,
            source=source,
            recorded_by=by,
            method=method,
            withdrawal=withdrawal,
        )
        for item in ITEMS
        if item in answers
    ]
    for row in rows:
        row.full_clean(exclude=["participant", "version", "recorded_by"])
    ConsentDecision.objects.bulk_create(rows)


@transaction.atomic
def consent_answer(*, link: GuardianLink, version: int, answers: dict[str, bool]) -> Participant:
    """The guardian's answers on their link: every item, agreed or not, for the version they read."""
    link = _active_link(link)
    answers, current = _clean_answers(answers, version)
    participant = _locked(link.participant)
    now = timezone.now()
    _write(participant, current, answers, source=ConsentDecision.Source.GUARDIAN_LINK, now=now)
    lost = _sync(participant, current, now)
    _after_change(participant, lost=lost, by=None)
    if lost:
        _tell_coordinators_withdrawn(participant)
    return participant


@transaction.atomic
def consent_withdraw(*, link: GuardianLink) -> Participant:
    """The guardian withdraws everything at once: it takes effect now (open rooms close) and the
    group's coordinators are told."""
    link = _active_link(link)
    participant = _locked(link.participant)
    current = consent_version_current()
    now = timezone.now()
    _write(
        participant,
        current,
        dict.fromkeys(ITEMS, False),
        source=ConsentDecision.Source.GUARDIAN_LINK,
        now=now,
        withdrawal=True,
    )
    lost = _sync(participant, current, now)
    _after_change(participant, lost=lost, by=None)
    _tell_coordinators_withdrawn(participant)
    return participant


def _require_manager(by: User, group: Group) -> None:
    if not can_manage_group(by, group):
        raise PermissionDenied


@transaction.atomic
def consent_record_paper(*, by: User, participant: Participant, agreed, method: str) -> Participant:
    """A coordinator records a guardian's consent given on paper (or a message, in person): the items
    the guardian agreed to, the others declined; marked as paper, with who recorded it."""
    participant = _locked(participant)
    _require_manager(by, participant.group)
    agreed = set(agreed or ())
    if not agreed <= set(ITEMS):
        raise DomainError({"items": _("Choose among the consent items.")}, code="items")
    if method not in Participant.ConsentMethod.values or method in (
        Participant.ConsentMethod.GUARDIAN_LINK,
        Participant.ConsentMethod.BULK_ATTESTATION,
    ):
        raise DomainError({"method": _("Say how the guardian gave consent.")}, code="method")
    current = consent_version_current()
    now = timezone.now()
    _write(
        participant,
        current,
        {item: item in agreed for item in ITEMS},
        source=ConsentDecision.Source.PAPER,
        now=now,
        by=by,
        method=method,
        withdrawal=not agreed,
    )
    lost = _sync(participant, current, now)
    _after_change(participant, lost=lost, by=by)
    return participant


@transaction.atomic
def consent_record_paper_bulk(*, by: User, group: Group, participant_ids, attestation: bool) -> int:
    """The coordinator attests they hold paper consent to take part for the chosen youth (the
    required items only); returns how many changed."""
    _require_manager(by, group)
    if attestation is not True:
        raise DomainError(
            {"attestation": _("Confirm that you hold the guardians' consent.")}, code="attestation"
        )
    try:
        ids = {int(pk) for pk in participant_ids}
    except (TypeError, ValueError):
        raise DomainError(
            {"participants": _("Choose youth from this roster.")}, code="participants"
        ) from None
    if not ids:
        raise DomainError({"participants": _("Choose at least one youth.")}, code="participants")
    chosen = list(
        Participant.objects.on_roster()
        .select_for_update(of=("self",))
        .filter(group=group, pk__in=ids)
        .order_by("pk")
    )
    if len(chosen) != len(ids):
        raise DomainError({"participants": _("Choose youth from this roster.")}, code="participants")
    current = consent_version_current()
    now = timezone.now()
    changed = [participant for participant in chosen if not participant.consent_given]
    for participant in changed:
        _write(
            participant,
            current,
            dict.fromkeys(REQUIRED_CONSENT_ITEMS, True),
            source=ConsentDecision.Source.PAPER,
            now=now,
            by=by,
            method=Participant.ConsentMethod.BULK_ATTESTATION,
        )
        participant.group = group
        _sync(participant, current, now)
    if changed:
        from camp.services.join import group_is_approved, youth_accounts_issue

        if group_is_approved(group):
            youth_accounts_issue(group=group, issued_by=by)
    return len(changed)


@transaction.atomic
def consent_version_publish(*, changes: str = "") -> ConsentVersion:
    """A new consent text: every guardian is asked again, and until they agree again consent_given is
    False (no new login, no room). Youth already signed in are NOT logged out at once (nothing was
    withdrawn): each page and room checks consent_given, so they lose access on their next one."""
    current = consent_version_current()
    version = ConsentVersion(number=current.number + 1, published_at=timezone.now(), changes=changes)
    version.full_clean()
    version.save()
    Participant.objects.filter(consent_given=True).update(
        consent_given=False, consent_at=None, consent_method="", consent_recorded_by=None
    )
    return version


# --- The guardian's link -------------------------------------------------------------------------

TOKEN_LENGTH = 40
TOKEN_SHAPE = re.compile(f"[0-9a-f]{{{TOKEN_LENGTH}}}")


def _token_for(salt: str) -> str:
    return salted_hmac("camp.guardian_link", salt, algorithm="sha256").hexdigest()[:TOKEN_LENGTH]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guardian_link_token(link: GuardianLink) -> str:
    """The link's secret (derived from its salt under SECRET_KEY; never stored)."""
    return _token_for(link.salt)


def guardian_link_url(link: GuardianLink) -> str:
    """The absolute link a guardian opens (mail, QR code, printed card)."""
    return site_url("guardian_home", guardian_link_token(link))


def _new_link(participant: Participant, by: User | None) -> GuardianLink:
    salt = secrets.token_hex(16)
    link = GuardianLink(participant=participant, salt=salt, token_hash=_hash(_token_for(salt)), created_by=by)
    link.full_clean(exclude=["participant", "created_by"])
    link.save()
    return link


@transaction.atomic
def guardian_link_ensure(*, by: User, participant: Participant) -> GuardianLink:
    """The youth's active guardian link, made on first use."""
    participant = _locked(participant)
    _require_manager(by, participant.group)
    link = participant.guardian_links.filter(revoked_at__isnull=True).first()
    return link or _new_link(participant, by)


def guardian_links_for_group(*, by: User, group: Group) -> dict[int, GuardianLink]:
    """Every youth's active guardian link, by participant id, made where missing (login cards, roster)."""
    _require_manager(by, group)
    links = {
        link.participant_id: link
        for link in GuardianLink.objects.filter(participant__group=group, revoked_at__isnull=True)
    }
    made = []
    for participant in group.participants.on_roster().exclude(pk__in=list(links)).order_by("pk"):
        salt = secrets.token_hex(16)
        made.append(
            GuardianLink(
                participant=participant, salt=salt, token_hash=_hash(_token_for(salt)), created_by=by
            )
        )
    # ignore_conflicts: a link made meanwhile (one active per youth) wins; it is read back below.
    GuardianLink.objects.bulk_create(made, ignore_conflicts=True)
    if made:
        links = {
            link.participant_id: link
            for link in GuardianLink.objects.filter(participant__group=group, revoked_at__isnull=True)
        }
    return links


@transaction.atomic
def guardian_link_rotate(*, by: User, participant: Participant) -> GuardianLink:
    """A new link for the guardian; the old one stops working at once (a link given to the wrong person)."""
    participant = _locked(participant)
    _require_manager(by, participant.group)
    participant.guardian_links.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    return _new_link(participant, by)


def guardian_email(participant: Participant) -> str:
    """The guardian's contact when it is an e-mail address, else ""."""
    from django.core.validators import validate_email

    contact = participant.guardian_contact.strip()
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact


@transaction.atomic
def guardian_link_send(*, by: User, participant: Participant) -> GuardianLink:
    """Mail the guardian their link (in the youth's language) when their contact is an e-mail address."""
    link = guardian_link_ensure(by=by, participant=participant)
    email = guardian_email(link.participant)
    if not email:
        raise DomainError(
            _("The guardian's contact is not an e-mail address: give them the link or the QR code."),
            code="no_email",
        )
    link.sent_at = timezone.now()
    link.save(update_fields=["sent_at"])
    recipient = Recipient(
        email=email,
        preferred_language=link.participant.preferred_language,
        name=link.participant.guardian_name,
    )
    context = {
        "url": guardian_link_url(link),
        "child": link.participant.given_name,
        "group": link.participant.group.name,
    }
    transaction.on_commit(
        lambda: mail_send(
            [recipient],
            subject=lambda: _("QiaoCamp: your consent for %(name)s") % {"name": context["child"]},
            template="camp/email/guardian_link.txt",
            context=context,
        )
    )
    return link


GUARDIAN_REFUSALS = {
    "rate_limited": gettext_lazy("Too many tries. Wait a few minutes, then try again."),
    "invalid": gettext_lazy("This link does not work (any more). Ask the coordinator for a new one."),
}


class GuardianLinkRefused(DomainError):
    def __init__(self, reason: str):
        super().__init__(GUARDIAN_REFUSALS[reason], code=reason)
        self.reason = reason


def guardian_link_resolve(*, token: str, ip: str) -> GuardianLink:
    """The active link behind a token, or GuardianLinkRefused. Failed lookups are limited per client
    address like join codes (camp.ratelimit): a right link gives its slot back."""
    limit, window = getattr(settings, "GUARDIAN_RATE_LIMIT_PER_IP", DEFAULT_RATE_LIMIT)
    token = str(token or "")
    ip_key = address_key("guardian", ip)
    # Counted before the lookup, so a burst of parallel guesses cannot all slip under the limit;
    # once limited, a right link waits too (a guesser must not learn which guess was right).
    if hit(ip_key, window) > limit:
        give_back(ip_key)
        raise GuardianLinkRefused("rate_limited")
    if not TOKEN_SHAPE.fullmatch(token):
        # Not even the shape of a link (a truncated copy, junk): it cannot be a right guess, so it
        # is not counted as one.
        give_back(ip_key)
        raise GuardianLinkRefused("invalid")
    link = (
        GuardianLink.objects.select_related("participant__group__camp")
        .filter(token_hash=_hash(token), revoked_at__isnull=True)
        .first()
    )
    if link is None:
        raise GuardianLinkRefused("invalid")
    give_back(ip_key)
    return link


def _active_link(link: GuardianLink) -> GuardianLink:
    fresh = (
        GuardianLink.objects.select_related("participant").filter(pk=link.pk, revoked_at__isnull=True).first()
    )
    if fresh is None:
        raise GuardianLinkRefused("invalid")
    return fresh


# --- Telling the coordinators --------------------------------------------------------------------


def _coordinators(participant: Participant):
    return list(participant.group.coordinators.filter(is_active=True))


def _tell_coordinators_withdrawn(participant: Participant) -> None:
    context = {
        "child": participant.full_name,
        "group": participant.group.name,
        "url": site_url("guardian_link_page", participant.group.pk, participant.pk),
    }
    people = _coordinators(participant)
    transaction.on_commit(
        lambda: mail_send(
            people,
            subject=lambda: (
                _("QiaoCamp: the guardian of %(name)s withdrew consent") % {"name": context["child"]}
            ),
            template="camp/email/guardian_withdrawn.txt",
            context=context,
        )
    )


@transaction.atomic
def guardian_message_send(*, link: GuardianLink, body: str) -> GuardianMessage:
    """A guardian's question, kept and mailed to the group's coordinators (never to anybody else)."""
    link = _active_link(link)
    body = str(body or "").strip()
    if not body:
        raise DomainError({"body": _("Write your question.")}, code="empty")
    if len(body) > 2000:
        raise DomainError({"body": _("Keep it under 2,000 characters.")}, code="too_long")
    count, window = getattr(settings, "GUARDIAN_MESSAGE_LIMIT", DEFAULT_MESSAGE_LIMIT)
    if hit(f"guardian:message:{link.pk}", window) > count:
        raise DomainError(
            _("You sent several questions already. Wait a while, or contact the coordinator directly."),
            code="rate_limited",
        )
    participant = link.participant
    message = GuardianMessage(participant=participant, body=body)
    message.full_clean(exclude=["participant"])
    message.save()
    people = _coordinators(participant)
    context = {
        "child": participant.full_name,
        "group": participant.group.name,
        "body": body,
        "guardian": participant.guardian_name,
        "contact": participant.guardian_contact,
        "url": site_url("guardian_messages", participant.group.pk),
    }
    transaction.on_commit(
        lambda: mail_send(
            people,
            subject=lambda: (
                _("QiaoCamp: a question from the guardian of %(name)s") % {"name": context["child"]}
            ),
            template="camp/email/guardian_message.txt",
            context=context,
        )
    )
    return message
