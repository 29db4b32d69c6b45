"""Sign-in with LINE and WeChat (allauth.socialaccount), for adults only.

A new social user signs up as every self-registered adult does: a coordinator whom an organizer
must confirm (camp.adapters.CampAccountAdapter.save_user, the same sign-up form). Youth never sign
in this way: only the join code checks guardian consent.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from camp.models import User


class CampSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        # Credentials come from the settings (the environment) only: an app added in the admin's
        # SocialApp table would get a button the CSP's form-action does not allow (qiaocamp.middleware).
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.pk is None]

    def get_app(self, request, provider, client_id=None):
        # A provider without credentials (settings.SOCIALACCOUNT_PROVIDERS) has no page: 404,
        # not allauth's SocialApp.DoesNotExist (a 500).
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    def pre_social_login(self, request, sociallogin):
        user = sociallogin.user
        if sociallogin.is_existing and user is not None and user.role == User.Role.YOUTH:
            messages.error(request, _("Campers sign in with their join code."))
            raise ImmediateHttpResponse(redirect("join"))
        if request.user.is_authenticated and getattr(request.user, "is_youth", False):
            raise ImmediateHttpResponse(redirect("join"))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.role = User.Role.COORDINATOR
        user.is_confirmed = False
        return user

    def get_signup_form_initial_data(self, sociallogin):
        initial = super().get_signup_form_initial_data(sociallogin)
        user = sociallogin.user
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        initial["display_name"] = (name or initial.get("username") or "")[:100]
        return initial

    def save_user(self, request, sociallogin, form=None):
        # The form path runs camp's account adapter (coordinator, unconfirmed) and its sign-up form.
        user = super().save_user(request, sociallogin, form=form)
        if user.role != User.Role.COORDINATOR or user.is_confirmed:
            user.role = User.Role.COORDINATOR
            user.is_confirmed = False
            user.save(update_fields=["role", "is_confirmed"])
        return user
