"""Youth accounts and join codes: how a child without e-mail logs in.

A code is 10 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L), printed
as ABCD-EFGH-JK: 31**10 ≈ 8·10**14 codes. Under the per-IP limit (20 failed tries a minute) an
attacker needs on the order of 10**11 years to find one of a few thousand live codes, so the
codes can stay short enough for an eight-year-old to type.
"""

import logging
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from camp.access import can_manage_group
from camp.errors import DomainError
from camp.mail import site_url
from camp.models import Enrollment, Group, JoinCode, Participant, User, join_code_key
from camp.ratelimit import address_key, give_back, hit
from camp.signals import youth_access_revoked

logger = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def join_code_generate() -> str:
    """A fresh random code in its printed form, e.g. "K7QM-XR4T-9C"."""
    raw = "".join(secrets.choice(ALPHABET) for _index in range(CODE_LENGTH))
    return "-".join(raw[start:start + 4] for start in range(0, len(raw), 4))


def join_url(code: str) -> str:
    """Where the QR code on a login card points."""
    return site_url("join_code", code)


def _unique_codes(count: int) -> list[str]:
    codes: list[str] = []
    keys: set[str] = set()
    while len(codes) < count:
        batch = [join_code_generate() for _index in range(count - len(codes))]
        taken = set(JoinCode.objects.filter(key__in=[join_code_key(c) for c in batch]).values_list("key", flat=True))
        for code in batch:
            key = join_code_key(code)
            if key not in taken and key not in keys:
                keys.add(key)
                codes.append(code)
    return codes


def group_is_approved(group: Group) -> bool:
    return Enrollment.objects.filter(group=group, status=Enrollment.Status.APPROVED).exists()


@transaction.atomic
def youth_accounts_issue(*, group: Group, issued_by: User | None = None,
                         codes: dict[int, str] | None = None) -> list[Participant]:
    """Give every consented participant of an approved group without an account a youth account
    and a join code. Idempotent. `codes` fixes the code for some participants (the demo's)."""
    if not group_is_approved(group):
        raise ValidationError(_("Youth accounts are made only for groups approved for a phase."))
    codes = codes or {}
    participants = list(
        Participant.objects.select_for_update().filter(group=group, consent_given=True, user__isnull=True).order_by("pk")
    )
    if not participants:
        return []
    # Youth never use a password: an unusable one costs no hashing, so 239 accounts take no time.
    users = [
        User(
            username=f"youth-p{participant.pk}",
            role=User.Role.YOUTH,
            display_name=participant.display_name,
            preferred_language=participant.preferred_language,
            time_zone=group.time_zone,
            password=make_password(None),
            is_confirmed=True,
        )
        for participant in participants
    ]
    User.objects.bulk_create(users)
    if any(user.pk is None for user in users):  # backends without RETURNING
        by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        for user in users:
            user.pk = by_name[user.username]
    for participant, user in zip(participants, users, strict=True):
        participant.user = user
    Participant.objects.bulk_update(participants, ["user"])
    random_codes = iter(_unique_codes(sum(1 for p in participants if p.pk not in codes)))
    join_codes = []
    for participant in participants:
        code = codes.get(participant.pk) or next(random_codes)
        join_codes.append(JoinCode(user=participant.user, code=code, key=join_code_key(code), created_by=issued_by))
    JoinCode.objects.bulk_create(join_codes)
    return participants


def youth_access_revoked_announce(user: User) -> None:
    """Tell the other apps, once the transaction commits, that this youth lost access: the live
    room closes their open sockets, the calendars revoke their feeds (camp.signals)."""

    def send() -> None:
        # send_robust: one failing receiver must not keep the next one from closing its door.
        for receiver, result in youth_access_revoked.send_robust(sender=Participant, user=user):
            if isinstance(result, Exception):
                logger.error("youth_access_revoked receiver %r failed for user %s", receiver, user.pk,
                             exc_info=(type(result), result, result.__traceback__))

    transaction.on_commit(send)


def group_youth_access_end(*, group: Group, deactivate: bool = False) -> int:
    """The group's youth lose access at once: the group has no approved phase any more (withdrawn,
    rejected) or is being deleted. Every session of each youth ends, the other apps close their doors
    (youth_access_revoked); with deactivate=True the accounts stop for good (the roster is going).
    Join codes stay: if the group is approved again, the same cards work again. Returns how many."""
    users = list(User.objects.select_for_update().filter(participant__group=group, role=User.Role.YOUTH))
    for user in users:
        # A new unusable password changes the session hash: every open session of this youth ends.
        user.password = make_password(None)
        if deactivate:
            user.is_active = False
    User.objects.bulk_update(users, ["password", "is_active"])
    for user in users:
        youth_access_revoked_announce(user)
    return len(users)


def _managed_participant(by: User, participant: Participant) -> Participant:
    if not can_manage_group(by, participant.group):
        raise PermissionDenied
    participant = Participant.objects.select_for_update(of=("self",)).select_related("user", "group").get(pk=participant.pk)
    if participant.user is None:
        raise ValidationError(_("This youth has no account yet: accounts are made when the group is approved "
                                "and the guardian's consent is on file."))
    return participant


def _log_out_everywhere(user: User) -> None:
    # A new unusable password changes the session hash, which ends every session of this youth:
    # a lost card must stop working on the phone that found it too.
    user.set_unusable_password()
    user.save(update_fields=["password"])


@transaction.atomic
def join_code_revoke(*, by: User, participant: Participant) -> int:
    """Revoke the youth's code (a lost card); returns how many codes were revoked."""
    participant = _managed_participant(by, participant)
    revoked = JoinCode.objects.filter(user=participant.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    _log_out_everywhere(participant.user)
    youth_access_revoked_announce(participant.user)
    return revoked


@transaction.atomic
def join_code_reissue(*, by: User, participant: Participant) -> JoinCode:
    """Revoke the youth's code and give them a new one."""
    participant = _managed_participant(by, participant)
    JoinCode.objects.filter(user=participant.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    _log_out_everywhere(participant.user)
    # A reissue follows a lost card: whoever holds the old one must be put out everywhere now.
    youth_access_revoked_announce(participant.user)
    code = _unique_codes(1)[0]
    join_code = JoinCode(user=participant.user, code=code, created_by=by)
    join_code.full_clean(exclude=["key"])
    join_code.save()
    return join_code


JOIN_REFUSALS = {
    "rate_limited": gettext_lazy("Too many tries. Wait a few minutes, then try again."),
    "invalid": gettext_lazy("This code does not work. Check it on your card, or ask your coordinator."),
    "no_consent": gettext_lazy("Your parent or guardian has not given their consent for you to take part in the "
                               "camp yet. Ask them to give it to your coordinator; then your code will work."),
    "not_enrolled": gettext_lazy("Your group is not taking part in a camp phase right now. Ask your coordinator."),
}


class JoinRefused(DomainError):
    """Why a code did not log anybody in: `reason` (also the code) is one of JOIN_REFUSALS;
    `participant` is set when the code was right."""

    def __init__(self, reason: str, participant: Participant | None = None):
        super().__init__(JOIN_REFUSALS[reason], code=reason)
        self.reason = reason
        self.participant = participant


def join_login_check(*, code: str, ip: str) -> User:
    """The youth behind a typed code, or JoinRefused.

    Limits (both race-free: the try is counted before the code is looked up, so a burst of
    parallel requests cannot all slip under a limit):
    - per client address (IPv6: per /64), FAILED attempts only: JOIN_RATE_LIMIT_PER_IP = (n, seconds).
      A right code gives its slot back, so a classroom behind one school router all log in, and
      up to n - 1 typos in the window leave every right code working. Once n failures are counted,
      every try from that address is refused until the window ends, a right code too: letting a
      right code through while refusing wrong ones would tell a guesser which guess was right.
    - per code, EVERY attempt from anywhere: JOIN_RATE_LIMIT_PER_CODE (a stolen code cannot be
      hammered from many addresses either).
    A refused try ("Too many tries") is not counted.
    """
    ip_limit, ip_window = settings.JOIN_RATE_LIMIT_PER_IP
    code_limit, code_window = settings.JOIN_RATE_LIMIT_PER_CODE
    key = join_code_key(code)
    ip_key, code_key = address_key("join", ip), f"join:code:{key}"
    # Reserve a failure slot first; it is given back below unless the try fails.
    if hit(ip_key, ip_window) > ip_limit:
        give_back(ip_key)
        raise JoinRefused("rate_limited")
    failed = False
    try:
        if key and hit(code_key, code_window) > code_limit:
            give_back(code_key)
            raise JoinRefused("rate_limited")
        join_code = (
            JoinCode.objects.select_related("user").filter(key=key, revoked_at__isnull=True).first()
            if 6 <= len(key) <= 32 else None
        )
        user = join_code.user if join_code else None
        participant = (
            Participant.objects.select_related("group").filter(user=user).first()
            if user is not None and user.is_active and user.is_youth else None
        )
        if participant is None:
            failed = True
            raise JoinRefused("invalid")
        # The code was right: the reasons below are told to its holder, not counted as guesses.
        if not participant.consent_given:
            raise JoinRefused("no_consent", participant)
        if not group_is_approved(participant.group):
            raise JoinRefused("not_enrolled", participant)
        return user
    finally:
        if not failed:
            give_back(ip_key)
