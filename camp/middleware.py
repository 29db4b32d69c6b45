"""Youth accounts stay join-code accounts: no e-mail address, no password."""

from django.core.exceptions import PermissionDenied

# allauth's pages a youth may open: logging out, and the pages that only send a signed-in person
# home (log in, sign up, ask for a login code).
YOUTH_ALLAUTH_PAGES = frozenset({"account_logout", "account_login", "account_signup", "account_request_login_code"})


class YouthAccountPagesMiddleware:
    """A youth (role youth, logged in by join code) may not open allauth's account pages: adding
    an e-mail address, setting or changing a password, resetting one, re-authenticating, codes by
    e-mail. Only the join code checks guardian consent, so such an account must never gain another
    way in. They get the translated 403 page; nothing is stored (refused before the view runs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_youth", False):
            return None
        match = request.resolver_match
        module = getattr(view_func, "__module__", "") or ""
        if module.startswith("allauth.") and (match is None or match.url_name not in YOUTH_ALLAUTH_PAGES):
            raise PermissionDenied
        return None
