"""UI catalogs: zh-hans and en complete, th complete, lo and my never fall back to Chinese."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.BASE_DIR) / "locale"
CODES = ["zh_Hans", "en", "th", "lo", "my"]


def catalog(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def untranslated(po: polib.POFile) -> list[str]:
    return [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]


@pytest.mark.parametrize("code", ["zh_Hans", "en", "th", "lo", "my"])
def test_catalog_is_complete(code):
    """zh-hans, en and th are translated in full; lo and my are complete with marked fallbacks
    (Lao to Thai, Burmese to English) so that no page falls back to Chinese for them."""
    missing = untranslated(catalog(code))
    assert not missing, f"{len(missing)} strings untranslated in {code}, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", CODES)
def test_compiled_catalog_matches_its_source(code):
    po = catalog(code)
    mo = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in mo}
    stale = [
        entry.msgid for entry in po
        if not entry.obsolete and entry.translated() and "fuzzy" not in entry.flags
        and compiled.get((entry.msgctxt, entry.msgid)) != (entry.msgstr or entry.msgstr_plural)
    ]
    assert not stale, f"django.mo for {code} is stale (run compilemessages): {stale[:5]}"


@pytest.mark.parametrize("code", CODES)
def test_placeholders_survive_translation(code):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]")
    broken = []
    for entry in catalog(code):
        if entry.obsolete or not entry.msgstr:
            continue
        if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(entry.msgstr)):
            broken.append(entry.msgid)
    assert not broken, f"placeholders differ in {code}: {broken[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "expected"),
    [("zh-hans", "登录"), ("en", "Sign In"), ("th", "ลงชื่อเข้าใช้")],
)
def test_login_page_in_each_language(code, expected):
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=code)
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_lao_pages_never_fall_back_to_chinese():
    """The youth join page in Lao shows Lao (or Thai) text, not the Chinese default."""
    response = Client().get("/join/", HTTP_ACCEPT_LANGUAGE="lo")
    html = response.content.decode()
    assert 'lang="lo"' in html
    main = html.split('id="main"', 1)[1]
    assert any("\u0e80" <= ch <= "\u0eff" or "\u0e00" <= ch <= "\u0e7f" for ch in main)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in main.split("</main>")[0].replace("侨营", ""))
