from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class CampAccountAdapter(DefaultAccountAdapter):
    """Self sign-up is for coordinators only, and they wait for an organizer's confirmation.

    Youth never sign in through allauth: only the join code checks guardian consent, so a youth
    who somehow has a password (or an e-mail address) is sent to /join/ instead.
    """

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.role = user.Role.COORDINATOR
        user.is_confirmed = False
        if not user.username:
            user.username = user.email
        if commit:
            user.save()
        return user

    def pre_login(self, request, user, **kwargs):
        if getattr(user, "is_youth", False):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, _("Campers sign in with their join code."))
            return redirect("join")
        return super().pre_login(request, user, **kwargs)

    # A second lock behind camp.middleware.YouthAccountPagesMiddleware: whatever page or flow asks,
    # a youth account gets no password and no e-mail address from allauth.
    def set_password(self, user, password, *args, **kwargs):
        if getattr(user, "is_youth", False):
            raise PermissionDenied
        return super().set_password(user, password, *args, **kwargs)

    def confirm_email(self, request, email_address):
        if getattr(email_address.user, "is_youth", False):
            raise PermissionDenied
        return super().confirm_email(request, email_address)
