from tests import factories
from tests.access.rules import LOGIN, Rule, everyone, table


def build(world) -> None:
    from camp.models import Invitation, User
    from camp.services.accounts import invitation_create

    world.invitation = invitation_create(invited_by=world.organizer, email="new-teacher@example.org", role="teacher")
    world.pending_coordinator = factories.user(User.Role.COORDINATOR, "pending@example.org", email_address=False,
                                               is_confirmed=False)
    assert Invitation.objects.filter(pk=world.invitation.pk).exists()


YOUTH_403 = {"youth": 403, "other_youth": 403}

RULES = {
    # A visitor gets the landing page: "I have a code" (youth) beside the e-mail login (adults).
    "home": Rule(everyone(200)),
    "healthz": Rule(everyone(200)),
    "set_language": Rule(everyone(302), method="post", data=lambda w: {"language": "en", "next": "/"}),
    "people": Rule(table(403, organizer=200)),
    "coordinator_confirm": Rule(
        table(403, organizer=302), method="post", kwargs=lambda w: {"pk": w.pending_coordinator.pk}
    ),
    # The token is the key: whoever holds the link may accept (no account yet, by definition).
    "invitation_accept": Rule(everyone(200), kwargs=lambda w: {"token": w.invitation.token}),
    "profile": Rule(table(200)),
    # allauth pages we rely on: signed-in users are sent home from the login and sign-up pages.
    "account_login": Rule(table(302, anonymous=200)),
    "account_signup": Rule(table(302, anonymous=200)),
    # Youth (join-code accounts) get no e-mail address and no password: allauth's account pages
    # are 403 for them (camp.middleware.YouthAccountPagesMiddleware, tests/camp/test_youth_allauth.py).
    "account_reset_password": Rule(everyone(200) | YOUTH_403),
    "account_request_login_code": Rule(table(302, anonymous=200)),
    "account_logout": Rule(table(200, anonymous=302)),
    "account_change_password": Rule(table(200, anonymous=LOGIN, **YOUTH_403)),
    "account_email": Rule(table(200, anonymous=LOGIN, **YOUTH_403)),
    "account_set_password": Rule(table(302, anonymous=LOGIN, **YOUTH_403)),
}
