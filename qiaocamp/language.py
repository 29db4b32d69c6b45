"""Which language a page is in: the one the person chose wins.

- Signed out, the switcher sets Django's language cookie and remembers the choice in the session
  (CHOSEN_LANGUAGE): signing in keeps the session's data, so the choice just made becomes the
  account's preference instead of being replaced by an older stored one.
- Signed in, the switcher stores the preference at once (camp.services.language).
- From the moment of signing in the request speaks the account's language, so that what the
  sign-in itself says ("Welcome", allauth's "signed in as…") is in the language of the page that
  shows it; the language cookie follows the account (qiaocamp.middleware.UserPreferencesMiddleware).
"""

from django.conf import settings
from django.utils import translation

from camp.services.language import CHOSEN_LANGUAGE, preferred_language_set


def language_chosen(request, language: str) -> None:
    """The switcher: a known language becomes the person's (or the signed-out session's) choice."""
    if language not in dict(settings.LANGUAGES):
        return
    if request.user.is_authenticated:
        preferred_language_set(user=request.user, language=language)
    else:
        request.session[CHOSEN_LANGUAGE] = language


def language_activate(request, language: str) -> None:
    """Speak `language` for the rest of this request (messages added from now on are in it)."""
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def language_on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: the language picked before signing in wins; the request speaks it from now."""
    if request is None:
        return
    session = getattr(request, "session", None)
    chosen = session.pop(CHOSEN_LANGUAGE, None) if session is not None else None
    if chosen in dict(settings.LANGUAGES):
        preferred_language_set(user=user, language=chosen)
    if user.preferred_language:
        language_activate(request, user.preferred_language)
