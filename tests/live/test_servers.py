"""The daphne processes of tests/live/servers.py run what the test process runs: its settings module
(a password hashed here with the test hasher signs in there), its run and xdist worker (so the same
Redis prefixes), its test database."""

import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests import settings as test_settings
from tests.factories import PASSWORD
from tests.live.servers import daphne, server_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_server_environment_is_the_test_processs():
    env = server_env(redis="redis://127.0.0.1:6379/5")
    assert env["DJANGO_SETTINGS_MODULE"] == settings.SETTINGS_MODULE == "tests.settings"
    assert env["QC_TEST_RUN"] == test_settings.RUN
    assert env.get("PYTEST_XDIST_WORKER", "main") == test_settings.WORKER == (os.environ.get("PYTEST_XDIST_WORKER")
                                                                             or "main")
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/5"
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in env
    test_database = settings.DATABASES["default"]["TEST"]["NAME"]  # with pytest-xdist's _gw<n>
    if "SQLITE_PATH" in env:
        assert env["SQLITE_PATH"] == test_database
    else:
        assert env["DATABASE_URL"].endswith(f"/{test_database}")


def test_a_factory_user_signs_in_with_a_password_on_daphne(organizer):
    """The factories hash with the test settings' MD5 hasher, which the product's settings do not
    list: the sign-in works only if daphne runs tests.settings too (and reads this test's database)."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))
    with daphne(redis=None) as host:
        page = browser.open(f"http://{host}/accounts/login/", timeout=15).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": organizer.email, "password": PASSWORD})
        response = browser.open(f"http://{host}/accounts/login/", data=form.encode(), timeout=15)
        assert response.status == 200 and urllib.parse.urlsplit(response.url).path == "/"  # signed in, sent home
    assert organizer.password.startswith("md5$")
    assert settings.SESSION_COOKIE_NAME in {cookie.name for cookie in jar}
