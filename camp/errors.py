"""The one domain error and the one way a page shows it (docs/architecture.md, "Errors").

A service refuses with `DomainError` (or a subclass: `courses.services.plans.PlanError`,
`live.services.errors.LiveError`): a translated message for the person and a stable `code` for
programs. It is a `ValidationError`, so what `full_clean()` raises travels the same way, and a view
catches `ValidationError` once and shows it with one of the two helpers below:

- `form_error(form, error)` when the page re-renders the form the user sent;
- `error_redirect(request, error, to, ...)` after a button (a POST without a page of its own): the
  message goes to the messages framework and the user goes back to the page they were on
  (`back_url`: a same-host Referer, else `to`);
- `message_error(request, error)` when the view renders the page the user was on itself (with
  status 400), the message in the layout's message list.

The live room's consumer turns the same errors into its `error` frame (live/services/errors.py).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


class DomainError(ValidationError):
    """A request the camp's rules refuse: `message` (translatable, shown to the person), `code`.

    `message` may also be a dict of field name → message, as for ValidationError."""

    def __init__(self, message, code: str = "invalid", params=None):
        if isinstance(message, dict):
            message = {field: ValidationError(text, code=code, params=params) for field, text in message.items()}
        super().__init__(message, code=code, params=params)
        self.code = code  # a dict-shaped ValidationError keeps no code of its own

    def __str__(self) -> str:
        return " ".join(error_messages(self))


def error_messages(error: ValidationError | str) -> list[str]:
    """The error's messages as text, translated in the active language."""
    if isinstance(error, str):
        return [error]
    return [str(message) for message in error.messages]


def form_error(form, error: ValidationError) -> None:
    """Put a refusal on the form that is shown again: on the field it names, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def back_url(request, to, *args, **kwargs) -> str:
    """The page the user was on (a Referer on this host), else `to` (a URL, URL name or model)."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return resolve_url(to, *args, **kwargs)


def message_error(request, error: ValidationError | str) -> None:
    """Queue a refusal for the messages framework: the next page shown (this response's or the
    redirect's) shows it in the layout's message list."""
    for message in error_messages(error):
        messages.error(request, message)


def error_redirect(request, error: ValidationError | str, to, *args, **kwargs) -> HttpResponseRedirect:
    """Show a refusal as a message on the page the user was on (see back_url) and go back there."""
    message_error(request, error)
    return HttpResponseRedirect(back_url(request, to, *args, **kwargs))

