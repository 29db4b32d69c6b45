"""Privacy in a real browser: an organizer exports and deletes a youth from the roster; a
coordinator signs up with WeChat (the provider's pages and API answered by fakes), on a phone."""

import json
import os
from pathlib import Path

import pytest

from camp.models import User
from privacy.models import Erasure
from tests.browser.conftest import login
from tests.factories import PASSWORD
from tests.test_social_login import WEIXIN, WEIXIN_TOKEN, WEIXIN_USER, FakeProvider

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: QIAOCAMP_SHOTS to keep them, else the test's temporary directory."""
    path = Path(os.environ.get("QIAOCAMP_SHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_organizer_exports_then_deletes_a_youth_from_the_roster(
    live_server, new_page, world, shots, viewport
):
    participant = world.youth_participant
    User.objects.filter(pk=world.organizer.pk).update(preferred_language="en")  # the texts below are English
    page = new_page(locale="en-US", viewport=viewport)
    login(page, live_server.url, world.organizer.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/groups/{world.group.pk}/roster/")
    row = page.locator("tr", has_text=participant.given_name)
    row.get_by_role("link", name="Data").click()
    page.wait_for_url(f"**/privacy/youth/{participant.pk}/")
    assert participant.given_name in page.locator("h1").inner_text()
    name = "desktop" if viewport == DESKTOP else "phone"
    page.screenshot(path=str(shots / f"privacy-data-{name}.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download everything (JSON)").click()
    data = json.loads(Path(download_info.value.path()).read_text())
    assert data["roster"]["given_name"] == participant.given_name

    page.get_by_role("link", name="Delete this youth's data").click()
    page.wait_for_url(f"**/privacy/youth/{participant.pk}/delete/")
    page.screenshot(path=str(shots / f"privacy-delete-{name}.png"), full_page=True)
    page.get_by_role("button", name="Delete for good").click()  # the box is not ticked: refused
    assert not Erasure.objects.exists()
    page.get_by_label("I understand", exact=False).check()
    page.get_by_role("button", name="Delete for good").click()
    page.wait_for_url(f"**/groups/{world.group.pk}/roster/")
    assert "is deleted" in page.locator("main").inner_text()
    assert Erasure.objects.get().participant_id == participant.pk
    page.screenshot(path=str(shots / f"privacy-roster-after-{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_signs_up_with_wechat_without_an_email(
    live_server, new_page, settings, monkeypatch, shots, viewport
):
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

    settings.SOCIALACCOUNT_PROVIDERS = {"weixin": WEIXIN}
    fake = FakeProvider(
        {
            ("POST", "https://api.weixin.qq.com/sns/oauth2/access_token"): (200, WEIXIN_TOKEN, "text/plain"),
            ("GET", "https://api.weixin.qq.com/sns/userinfo"): (200, WEIXIN_USER, "text/plain"),
        }
    )
    original = DefaultSocialAccountAdapter.get_requests_session

    def session(self):
        sess = original(self)
        sess.mount("https://", fake)
        return sess

    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", session)
    name = "desktop" if viewport == DESKTOP else "phone"
    page = new_page(locale="en-US", viewport=viewport)

    # WeChat's QR page, as the browser sees it: the person scans and WeChat sends them back with a code.
    def wechat(route):
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(route.request.url).query)
        back = f"{query['redirect_uri'][0]}?code=wx-code&state={query['state'][0]}"
        route.fulfill(status=302, headers={"Location": back})

    page.route("https://open.weixin.qq.com/**", wechat)
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=str(shots / f"social-login-{name}.png"), full_page=True)
    # The button posts to us and we redirect to WeChat: the page's CSP form-action must allow that.
    page.get_by_role("button", name="WeChat").click()
    page.wait_for_url("**/accounts/3rdparty/signup/")
    assert page.locator("input[name=display_name]").input_value() == "王老师"
    page.screenshot(path=str(shots / f"social-signup-{name}.png"), full_page=True)
    page.select_option("select[name=time_zone]", "Asia/Bangkok")
    page.select_option("select[name=preferred_language]", "en")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{live_server.url}/")
    user = User.objects.get(socialaccount__provider="weixin")
    assert (user.role, user.is_confirmed, user.email) == (User.Role.COORDINATOR, False, "")
    assert [call["url"] for call in fake.calls] == [
        "https://api.weixin.qq.com/sns/oauth2/access_token",
        "https://api.weixin.qq.com/sns/userinfo",
    ]
    page.screenshot(path=str(shots / f"social-home-{name}.png"), full_page=True)
