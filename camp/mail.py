"""The one way a mail leaves QiaoCamp: each recipient gets their own, in their own language, and
every link in it is absolute and built by `reverse()` (`site_url`), never written by hand.

Callers send after the transaction commits (`transaction.on_commit`): nobody is told about a
change that was rolled back.
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def site_url(viewname: str, *args, **kwargs) -> str:
    """An absolute link for a mail, a printed card or a calendar feed: SITE_URL + reverse()."""
    return settings.SITE_URL + reverse(viewname, args=args or None, kwargs=kwargs or None)


def mail_subject(text) -> str:
    """A subject on one line: line breaks and other control characters (a name stored before names
    were checked, a translation) become spaces, so a mail never fails with BadHeaderError."""
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in str(text))
    return " ".join(text.split())[:255]


@dataclass(frozen=True)
class Recipient:
    """Somebody without an account yet (an invited adult): an address and the language to write in."""

    email: str
    preferred_language: str
    name: str = ""


def mail_send(recipients: Iterable, *, subject: Callable[[], str], template: str, context: dict | None = None) -> int:
    """One mail per recipient (anything with `email` and `preferred_language`: a User, a
    Recipient), rendered inside their language; recipients without an address are skipped.

    `subject` is called inside the recipient's language, so it can be `lambda: _("…") % {…}`.
    `template` is rendered with `context` plus `person` (the recipient). Returns how many mails
    were sent.
    """
    sent = 0
    for person in recipients:
        if not person.email:
            continue
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            subject_text = mail_subject(subject())
            body = render_to_string(template, {**(context or {}), "person": person})
        send_mail(subject_text, body, None, [person.email])
        sent += 1
    return sent
