"""Youth log in with their join code (no e-mail, no password) and land on "My camp"."""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from camp.errors import DomainError, form_error
from camp.forms import JoinForm
from camp.ratelimit import client_address
from camp.services.join import JoinRefused, join_login_check
from camp.services.language import chosen_language

REFUSAL_STATUS = {"rate_limited": 429, "invalid": 200, "no_consent": 403, "not_enrolled": 403}


def _attempt(request, code: str, form: JoinForm, confirm_code: str | None = None):
    try:
        user = join_login_check(code=code, ip=client_address(request))
    except JoinRefused as refused:
        return _refused(request, refused, form, confirm_code)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("my_camp")


def _refused(request, refused: JoinRefused, form: JoinForm, confirm_code: str | None):
    status = REFUSAL_STATUS[refused.reason]
    if refused.reason in ("no_consent", "not_enrolled"):
        # The youth reads why in their own language, whatever the browser says: the one they just
        # picked with the switcher, else their roster's.
        with translation.override(chosen_language(request) or refused.participant.preferred_language):
            return render(request, "camp/join_refused.html",
                          {"reason": refused.reason, "participant": refused.participant}, status=status)
    if confirm_code is None:
        refused = DomainError({"code": refused.messages[0]}, code=refused.code)  # under the field typed in
    form_error(form, refused)
    return render(request, "camp/join.html", {"form": form, "confirm_code": confirm_code}, status=status)


@require_http_methods(["GET", "POST"])
def join(request):
    """Type the code from the card."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _attempt(request, form.cleaned_data["code"], form)
    return render(request, "camp/join.html", {"form": form, "confirm_code": None},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def join_code(request, code):
    """The QR code's address: GET only asks for a click (links get prefetched and scanned by
    chat apps, which must not log anybody in); POST logs in."""
    code = code[:40]
    # Bound on every POST, an empty body too: a refusal is written onto the form (not a 500).
    form = JoinForm(request.POST if request.method == "POST" else None, initial={"code": code})
    if request.method == "POST":
        return _attempt(request, code, form, confirm_code=code)
    return render(request, "camp/join.html", {"form": form, "confirm_code": code})
