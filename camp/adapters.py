from allauth.account.adapter import DefaultAccountAdapter


class CampAccountAdapter(DefaultAccountAdapter):
    """Self sign-up is for coordinators only, and they wait for an organizer's confirmation."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.role = user.Role.COORDINATOR
        user.is_confirmed = False
        if not user.username:
            user.username = user.email
        if commit:
            user.save()
        return user
