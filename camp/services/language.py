"""The language a person chose for the pages is theirs: one place stores it."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from camp.errors import DomainError
from camp.models import Participant, User

# The language a signed-out person picked with the switcher in this visit (qiaocamp.language):
# what they read until they sign in, and theirs once they do.
CHOSEN_LANGUAGE = "qiaocamp_chosen_language"


def chosen_language(request) -> str | None:
    """The language picked in this visit before signing in, if any."""
    session = getattr(request, "session", None)
    language = session.get(CHOSEN_LANGUAGE) if session is not None else None
    return language if language in dict(settings.LANGUAGES) else None


@transaction.atomic
def preferred_language_set(*, user: User, language: str) -> None:
    """Store the language a person picked (the switcher, before or after signing in). A youth's
    roster row gets it too: a coordinator's later roster edit copies the row's language onto the
    account (camp.services.roster), which must not undo the child's own choice."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError({"language": _("Choose one of the languages offered.")}, code="unknown_language")
    if user.preferred_language != language:
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language
    if user.is_youth:
        Participant.objects.filter(user=user).exclude(preferred_language=language).update(
            preferred_language=language
        )
