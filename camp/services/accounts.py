"""Adult accounts: invitations by organizers and confirmation of self-registered coordinators."""

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from camp.mail import Recipient, mail_send, site_url
from camp.models import Invitation

User = get_user_model()
INVITATION_VALID_FOR = datetime.timedelta(days=14)


def _require_organizer(user) -> None:
    if not (user.is_authenticated and user.is_organizer):
        raise PermissionDenied(_("Only organizers may do this."))


@transaction.atomic
def invitation_create(*, invited_by, email: str, role: str, display_name: str = "") -> Invitation:
    """Invite a teacher or coordinator by e-mail; the link lets them set a password."""
    _require_organizer(invited_by)
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Somebody already has an account with this e-mail.")})
    invitation = Invitation(
        email=email,
        role=role,
        display_name=display_name,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    # The invited adult has no account, so no language of their own yet: they are written to in the
    # language of the organizer who invites them (who knows them), and choose theirs on accepting.
    recipient = Recipient(invitation.email, invitation.invited_by.preferred_language, invitation.display_name)
    mail_send(
        [recipient],
        subject=lambda: _("You are invited to QiaoCamp"),
        template="camp/email/invitation.txt",
        context={"invitation": invitation, "link": site_url("invitation_accept", invitation.token),
                 "role": User.Role(invitation.role).label},  # lazy: rendered in the recipient's language
    )


def invitation_usable(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > timezone.now()


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str, display_name: str, time_zone: str, preferred_language: str
):
    """Create the invited adult's account, with a verified e-mail address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation_usable(invitation):
        raise ValidationError(_("This invitation has expired or was already used."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("Somebody already has an account with this e-mail."))
    user = User(
        username=invitation.email,
        email=invitation.email,
        role=invitation.role,
        display_name=display_name or invitation.display_name,
        time_zone=time_zone,
        preferred_language=preferred_language,
        is_confirmed=True,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


@transaction.atomic
def coordinator_confirm(*, organizer, user) -> None:
    """An organizer confirms a self-registered coordinator: one on no group yet, or on a group of a
    camp the organizer runs (camp.access.coordinators_to_confirm)."""
    from camp.access import coordinators_to_confirm

    _require_organizer(organizer)
    if not user.is_coordinator:
        raise ValidationError(_("Only coordinators wait for confirmation."))
    if not user.is_confirmed and not coordinators_to_confirm(organizer).filter(pk=user.pk).exists():
        raise PermissionDenied
    user.is_confirmed = True
    user.save(update_fields=["is_confirmed"])
    transaction.on_commit(lambda: mail_send(
        [user],
        subject=lambda: _("Your QiaoCamp account is confirmed"),
        template="camp/email/coordinator_confirmed.txt",
        context={"url": site_url("home")},
    ))


@transaction.atomic
def organizer_create(*, email: str, password: str, display_name: str, time_zone: str = "Asia/Shanghai",
                     preferred_language: str = "zh-hans", staff: bool = False) -> User:
    """The first organizer of a new installation (``manage.py create_organizer``); later ones are invited."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not (display_name or "").strip():
        raise ValidationError(_("Give the name people will see."))
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("Somebody already has an account with this e-mail."))
    user = User(
        username=email, email=email, role=User.Role.ORGANIZER, display_name=(display_name or "").strip(),
        time_zone=time_zone, preferred_language=preferred_language, is_confirmed=True,
        is_staff=staff, is_superuser=staff,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
