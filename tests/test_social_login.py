"""Sign-in with LINE and WeChat: the whole OAuth flow (redirect → callback → token → profile)
against fake provider endpoints.

The providers are the outside world: their HTTP answers are recorded here and served by a
requests transport adapter mounted on every session allauth opens, so nothing leaves the machine
and each test asserts what allauth sent to the provider.
"""

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from camp.models import User
from camp.services.accounts import coordinator_confirm

LINE = {
    "APPS": [{"client_id": "line-channel-1", "secret": "line-secret"}],
    "SCOPE": ["profile", "openid", "email"],
}
WEIXIN = {"APPS": [{"client_id": "wx-app-1", "secret": "wx-secret"}], "SCOPE": ["snsapi_login"]}

LINE_TOKEN = {
    "access_token": "line-access",
    "id_token": "line-id-token",
    "expires_in": 2592000,
    "refresh_token": "line-refresh",
    "token_type": "Bearer",
    "scope": "profile openid email",
}
LINE_VERIFIED = {
    "iss": "https://access.line.me",
    "sub": "U4af4980629",
    "aud": "line-channel-1",
    "name": "Somchai Saetang",
    "email": "somchai@example.org",
}
WEIXIN_TOKEN = {
    "access_token": "wx-access",
    "expires_in": 7200,
    "refresh_token": "wx-refresh",
    "openid": "oWX-1234",
    "scope": "snsapi_login",
    "unionid": "uWX-1",
}
WEIXIN_USER = {
    "openid": "oWX-1234",
    "nickname": "王老师",
    "sex": 1,
    "province": "",
    "city": "",
    "country": "TH",
    "headimgurl": "",
    "privilege": [],
    "unionid": "uWX-1",
}


class FakeProvider(requests.adapters.BaseAdapter):
    """Answers requests from recorded (method, url without query) → (status, body, content type)."""

    def __init__(self, answers):
        super().__init__()
        self.answers = answers
        self.calls = []

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        key = (request.method, f"{parts.scheme}://{parts.netloc}{parts.path}")
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        self.calls.append(
            {
                "method": request.method,
                "url": key[1],
                "query": parse_qs(parts.query),
                "form": parse_qs(body),
                "headers": dict(request.headers),
            }
        )
        status, payload, content_type = self.answers.get(
            key, (599, {"error": "not recorded"}, "application/json")
        )
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(payload, ensure_ascii=False).encode()
        response.headers["Content-Type"] = content_type
        # As requests' own HTTPAdapter does: text/* without a charset is read as Latin-1.
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English, whatever the catalogs hold (the texts below are the English ones)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def provider(monkeypatch):
    """The fake provider; `provider.answers` is what it says, `provider.calls` what it was asked."""
    fake = FakeProvider({})
    original = DefaultSocialAccountAdapter.get_requests_session

    def session(self):
        sess = original(self)
        sess.mount("https://", fake)
        sess.mount("http://", fake)
        return sess

    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", session)
    return fake


@pytest.fixture
def line(settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {"line": LINE}
    provider.answers.update(
        {
            ("POST", "https://api.line.me/oauth2/v2.1/token"): (200, LINE_TOKEN, "application/json"),
            ("POST", "https://api.line.me/oauth2/v2.1/verify"): (200, LINE_VERIFIED, "application/json"),
        }
    )
    return provider


@pytest.fixture
def weixin(settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {"weixin": WEIXIN}
    # WeChat answers JSON as text/plain without a charset (requests then reads it as Latin-1;
    # allauth's weixin adapter undoes that for the nickname).
    provider.answers.update(
        {
            ("POST", "https://api.weixin.qq.com/sns/oauth2/access_token"): (200, WEIXIN_TOKEN, "text/plain"),
            ("GET", "https://api.weixin.qq.com/sns/userinfo"): (200, WEIXIN_USER, "text/plain"),
        }
    )
    return provider


def start(client, provider_id, process="login"):
    """The button on the login page, then the provider's authorize URL allauth sends the browser to."""
    page = client.get(reverse("account_login"))
    action = reverse(f"{provider_id}_login")
    assert f'action="{action}?process={process}"' in page.content.decode()
    response = client.post(f"{action}?process={process}")
    assert response.status_code == 302
    return urlsplit(response["Location"]), parse_qs(urlsplit(response["Location"]).query)


def callback(client, provider_id, **params):
    return client.get(reverse(f"{provider_id}_callback") + "?" + urlencode(params))


SIGNUP = {"display_name": "Somchai S.", "time_zone": "Asia/Bangkok", "preferred_language": "th"}


@pytest.mark.django_db
def test_line_sign_up_with_email_makes_an_unconfirmed_coordinator(client, line):
    authorize, query = start(client, "line")
    assert authorize.netloc == "access.line.me" and authorize.path == "/oauth2/v2.1/authorize"
    assert query["client_id"] == ["line-channel-1"]
    assert query["redirect_uri"] == ["http://testserver/accounts/line/login/callback/"]
    assert set(query["scope"][0].split()) == {"profile", "openid", "email"}

    response = callback(client, "line", code="line-code-1", state=query["state"][0])
    assert response.status_code == 302 and response["Location"] == reverse("socialaccount_signup")
    token_call, verify_call = line.calls
    assert token_call["form"]["code"] == ["line-code-1"] and token_call["form"]["client_secret"] == [
        "line-secret"
    ]
    assert token_call["form"]["redirect_uri"] == ["http://testserver/accounts/line/login/callback/"]
    assert verify_call["form"] == {"client_id": ["line-channel-1"], "id_token": ["line-id-token"]}

    form_page = client.get(reverse("socialaccount_signup"))
    html = form_page.content.decode()
    assert "Finish signing up" in html and "LINE" in html and 'value="somchai@example.org"' in html
    assert 'name="display_name"' in html and 'name="time_zone"' in html
    response = client.post(reverse("socialaccount_signup"), {**SIGNUP, "email": "somchai@example.org"})
    assert response.status_code == 302

    user = User.objects.get(socialaccount__provider="line", socialaccount__uid="U4af4980629")
    assert (user.role, user.is_confirmed, user.email) == (User.Role.COORDINATOR, False, "somchai@example.org")
    assert (user.display_name, user.time_zone, user.preferred_language) == (
        "Somchai S.",
        "Asia/Bangkok",
        "th",
    )
    assert not user.has_usable_password()
    assert client.get(reverse("home")).context["user"] == user
    assert SocialAccount.objects.get(user=user).extra_data["email"] == "somchai@example.org"

    # Signing in again finds the same account: no second sign-up, no second user.
    client.logout()
    line.calls.clear()
    _authorize, query = start(client, "line")
    response = callback(client, "line", code="line-code-2", state=query["state"][0])
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert User.objects.filter(socialaccount__provider="line").count() == 1
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db
def test_wechat_sign_up_without_email_works_and_mails_nobody(
    client, weixin, organizer, django_capture_on_commit_callbacks
):
    authorize, query = start(client, "weixin")
    assert (authorize.netloc, authorize.path) == ("open.weixin.qq.com", "/connect/qrconnect")
    assert query["appid"] == ["wx-app-1"] and query["scope"] == ["snsapi_login"]

    response = callback(client, "weixin", code="wx-code", state=query["state"][0])
    assert response.status_code == 302 and response["Location"] == reverse("socialaccount_signup")
    token_call, profile_call = weixin.calls
    assert token_call["form"]["appid"] == ["wx-app-1"] and token_call["form"]["secret"] == ["wx-secret"]
    assert token_call["form"]["code"] == ["wx-code"]
    assert profile_call["query"] == {"access_token": ["wx-access"], "openid": ["oWX-1234"]}

    html = client.get(reverse("socialaccount_signup")).content.decode()
    assert "WeChat" in html and "王老师" in html  # the nickname, read back from WeChat's Latin-1 answer
    response = client.post(reverse("socialaccount_signup"), {**SIGNUP, "display_name": "王老师", "email": ""})
    assert response.status_code == 302

    user = User.objects.get(socialaccount__provider="weixin", socialaccount__uid="oWX-1234")
    assert (user.role, user.is_confirmed, user.email, user.display_name) == (
        User.Role.COORDINATOR,
        False,
        "",
        "王老师",
    )
    assert user.username and client.get(reverse("home")).context["user"] == user
    assert len(mail.outbox) == 0

    # An organizer confirms them: the confirmation mail is simply not sent (no address), nothing fails.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_confirm(organizer=organizer, user=user)
    user.refresh_from_db()
    assert user.is_confirmed and len(mail.outbox) == 0


@pytest.mark.django_db
def test_an_error_answer_from_the_provider_signs_nobody_in(client, line):
    line.answers[("POST", "https://api.line.me/oauth2/v2.1/token")] = (
        400,
        {"error": "invalid_grant", "error_description": "invalid authorization code"},
        "application/json",
    )
    _authorize, query = start(client, "line")
    response = callback(client, "line", code="stale", state=query["state"][0])
    assert response.status_code == 401
    assert "Sign-in failed" in response.content.decode()
    assert [call["url"] for call in line.calls] == ["https://api.line.me/oauth2/v2.1/token"]
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert not client.get(reverse("account_login")).context["user"].is_authenticated


@pytest.mark.django_db
def test_wechat_errcode_answer_signs_nobody_in(client, weixin):
    weixin.answers[("POST", "https://api.weixin.qq.com/sns/oauth2/access_token")] = (
        200,
        {"errcode": 40029, "errmsg": "invalid code"},
        "text/plain",
    )
    _authorize, query = start(client, "weixin")
    response = callback(client, "weixin", code="bad", state=query["state"][0])
    assert response.status_code == 401 and "Sign-in failed" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_provider_refusing_is_a_cancelled_sign_in(client, line):
    _authorize, query = start(client, "line")
    response = callback(client, "line", error="access_denied", state=query["state"][0])
    assert response.status_code == 302 and response["Location"] == reverse("socialaccount_login_cancelled")
    response = client.get(response["Location"])
    assert response.status_code == 200 and "Sign-in cancelled" in response.content.decode()
    assert line.calls == [] and not User.objects.exists()


@pytest.mark.django_db
def test_a_state_mismatch_is_refused_before_any_token_request(client, line):
    start(client, "line")
    response = callback(client, "line", code="line-code-1", state="forged-state")
    assert response.status_code == 401 and "Sign-in failed" in response.content.decode()
    assert line.calls == [] and not User.objects.exists()
    # A callback with no sign-in started in this browser either.
    client.cookies.clear()
    response = callback(client, "line", code="line-code-1", state="forged-state")
    assert response.status_code == 401 and line.calls == []


@pytest.mark.django_db
def test_without_credentials_no_button_and_no_working_url(client, settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    html = client.get(reverse("account_login")).content.decode()
    assert "social-login" not in html and "/accounts/line/" not in html
    for provider_id in ("line", "weixin"):
        assert client.get(reverse(f"{provider_id}_login")).status_code == 404
        assert client.post(reverse(f"{provider_id}_login")).status_code == 404
        assert client.get(reverse(f"{provider_id}_callback") + "?code=x&state=y").status_code == 404
    assert provider.calls == []


@pytest.mark.django_db
def test_one_provider_configured_shows_only_its_button(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"weixin": WEIXIN}
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("weixin_login") in html and reverse("line_login") not in html
    assert client.get(reverse("line_login")).status_code == 404


@pytest.mark.django_db
def test_a_youth_never_signs_in_with_an_app(client, line, youth):
    # Even a LINE account tied to a youth account (it cannot be made through the pages) lets nobody in.
    SocialAccount.objects.create(user=youth, provider="line", uid=LINE_VERIFIED["sub"], extra_data={})
    _authorize, query = start(client, "line")
    response = callback(client, "line", code="line-code-1", state=query["state"][0])
    assert response.status_code == 302 and response["Location"] == reverse("join")
    assert not client.get(reverse("account_login")).context["user"].is_authenticated


@pytest.mark.django_db
def test_a_signed_in_youth_cannot_start_or_connect_an_app_sign_in(client, line, youth):
    client.force_login(youth)
    assert client.post(reverse("line_login") + "?process=connect").status_code == 403
    assert client.get(reverse("socialaccount_connections")).status_code == 403
    assert line.calls == [] and not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_an_adult_connects_line_to_their_account_and_signs_in_with_it(client, line, organizer):
    User.objects.filter(pk=organizer.pk).update(preferred_language="en")
    client.force_login(organizer)
    page = client.get(reverse("socialaccount_connections"))
    assert page.status_code == 200 and "Apps you sign in with" in page.content.decode()
    response = client.post(reverse("line_login") + "?process=connect")
    query = parse_qs(urlsplit(response["Location"]).query)
    response = callback(client, "line", code="line-code-1", state=query["state"][0])
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="line").user == organizer
    client.logout()
    _authorize, query = start(client, "line")
    response = callback(client, "line", code="line-code-2", state=query["state"][0])
    assert response.status_code == 302
    user = client.get(reverse("home")).context["user"]
    assert user == organizer and user.role == User.Role.ORGANIZER


@pytest.mark.django_db
def test_the_social_sign_up_form_refuses_malformed_input_and_writes_nothing(client, weixin):
    _authorize, query = start(client, "weixin")
    callback(client, "weixin", code="wx-code", state=query["state"][0])
    for bad in (
        {**SIGNUP, "display_name": "a\nb"},
        {**SIGNUP, "time_zone": "Mars/Olympus"},
        {**SIGNUP, "preferred_language": "xx"},
        {**SIGNUP, "email": "not-an-address"},
        {**SIGNUP, "display_name": "x" * 10_000},
        {"email": ""},
    ):
        response = client.post(reverse("socialaccount_signup"), bad)
        assert response.status_code == 200 and response.context["form"].errors, bad
    assert not User.objects.exists() and not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_a_social_sign_up_cannot_take_an_existing_address(client, line, teacher):
    line.answers[("POST", "https://api.line.me/oauth2/v2.1/verify")] = (
        200,
        {**LINE_VERIFIED, "email": teacher.email},
        "application/json",
    )
    _authorize, query = start(client, "line")
    callback(client, "line", code="c", state=query["state"][0])
    response = client.post(reverse("socialaccount_signup"), {**SIGNUP, "email": teacher.email})
    # allauth does not say on the page that the address is taken (no account enumeration): it
    # mails the address's owner instead, and creates nothing.
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert not client.get(reverse("account_login")).context["user"].is_authenticated
    assert User.objects.filter(email=teacher.email).count() == 1


@pytest.mark.django_db
def test_settings_link_to_the_apps_page_only_when_an_app_is_configured(client, settings, coordinator):
    client.force_login(coordinator)
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert reverse("socialaccount_connections") not in client.get(reverse("profile")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"line": LINE}
    assert reverse("socialaccount_connections") in client.get(reverse("profile")).content.decode()


@pytest.mark.django_db
def test_the_pages_csp_lets_the_buttons_redirect_to_the_configured_providers_only(client, settings):
    def form_action():
        policy = client.get(reverse("account_login"))["Content-Security-Policy"]
        return next(part for part in policy.split("; ") if part.startswith("form-action"))

    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert form_action() == "form-action 'self'"
    settings.SOCIALACCOUNT_PROVIDERS = {"line": LINE}
    assert form_action() == "form-action 'self' https://access.line.me"
    settings.SOCIALACCOUNT_PROVIDERS = {"line": LINE, "weixin": WEIXIN}
    assert form_action() == "form-action 'self' https://access.line.me https://open.weixin.qq.com"


@pytest.mark.django_db
def test_an_app_stored_in_the_database_is_not_used(client, settings):
    from allauth.socialaccount.models import SocialApp

    settings.SOCIALACCOUNT_PROVIDERS = {}
    SocialApp.objects.create(provider="line", name="LINE", client_id="db-id", secret="db-secret")
    assert reverse("line_login") not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("line_login")).status_code == 404
