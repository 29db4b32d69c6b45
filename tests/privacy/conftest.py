# The browser harness's fixtures, for tests/privacy/test_browser.py.
from tests.browser.conftest import browser, new_page  # noqa: F401
