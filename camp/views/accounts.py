from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from camp.access import get_coordinator_to_confirm
from camp.errors import form_error
from camp.forms import InvitationAcceptForm, InvitationForm, profile_form_class
from camp.models import Invitation
from camp.selectors import people_context
from camp.services.accounts import (
    coordinator_confirm,
    invitation_accept,
    invitation_create,
    invitation_usable,
)
from camp.services.language import preferred_language_set

User = get_user_model()


def _organizer_only(request):
    if not request.user.is_organizer:
        raise PermissionDenied


@login_required
def people(request):
    """Organizer: invite adults, confirm self-registered coordinators."""
    _organizer_only(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("people")
    return render(request, "camp/people.html", {"form": form, **people_context(request.user)})


@login_required
@require_POST
def coordinator_confirm_view(request, pk):
    user = get_coordinator_to_confirm(request.user, pk)
    coordinator_confirm(organizer=request.user, user=user)
    messages.success(request, _("%(name)s is confirmed.") % {"name": user.name})
    return redirect("people")


def _password_errors_on_their_field(error: ValidationError) -> ValidationError:
    """Django's password validators raise codes password_*: show those under the password field."""
    if hasattr(error, "error_dict"):
        return error
    by_field: dict[str, list[ValidationError]] = {}
    for item in error.error_list:
        field = "password1" if (item.code or "").startswith("password") else NON_FIELD_ERRORS
        by_field.setdefault(field, []).append(item)
    return ValidationError(by_field)


def invitation_accept_view(request, token):
    invitation = get_object_or_404(Invitation, token=token)
    if not invitation_usable(invitation):
        return render(request, "camp/invitation_invalid.html", status=410)
    form = InvitationAcceptForm(
        request.POST or None,
        initial={"display_name": invitation.display_name, "time_zone": "Asia/Shanghai",
                 "preferred_language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                time_zone=form.cleaned_data["time_zone"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except ValidationError as error:
            form_error(form, _password_errors_on_their_field(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to QiaoCamp!"))
            return redirect("home")
    return render(request, "camp/invitation_accept.html", {"form": form, "invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = profile_form_class(request.user)(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        preferred_language_set(user=request.user, language=request.user.preferred_language)  # a youth's roster row too
        # The next page is in the language just saved: so is the message that it shows.
        translation.activate(request.user.preferred_language)
        messages.success(request, _("Your settings are saved."))
        return redirect("profile")
    return render(request, "camp/profile.html", {"form": form})
