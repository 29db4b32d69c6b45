"""Every page a Lao or Burmese youth can reach from My camp speaks their language: no English left
by a string that was never marked, a Django message without our translation, or a fallback.

Seeds the demo camp (whose Lao and Myanmar groups have lo/my lesson content), signs in a youth of
each, and reads My camp and every page it links to one step on (GET, same site). The visible text
may hold no Latin word but names the product keeps (QiaoCamp, the language switcher's "English")
and what the data holds in Latin (codes, URLs)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from camp.models import Participant

pytestmark = pytest.mark.django_db
ALLOWED = {"QiaoCamp", "English", "WeChat", "LINE", "PDF", "ICS", "CSV", "XLSX", "Janus", "iCalendar"}
HIDDEN = ("head", "script", "style", "template", "noscript")
SKIP = ("/accounts/logout", "/i18n/", "/media/", "/static/", "download", ".pdf", ".ics", "/ws/")


class _Text(HTMLParser):
    """Visible text and same-site links (script, style and template contents left out)."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _english_words(html: str, data_words: set[str]) -> tuple[set[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.text)
    text = re.sub(r"https?://\S+|\S+@\S+", " ", text)
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return {w for w in words if w not in ALLOWED and w not in data_words}, parser.links


@pytest.mark.parametrize(("country", "language"), [("LA", "lo"), ("MM", "my")])
def test_a_youth_reads_every_page_in_their_language(client, country, language):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    youth = (
        Participant.objects.filter(group__country=country, user__isnull=False, consent_given=True)
        .select_related("user", "group")
        .order_by("pk")
        .first()
    )
    youth.user.preferred_language = language
    youth.user.save(update_fields=["preferred_language"])
    client.force_login(youth.user)
    data_words = set(re.findall(r"[A-Za-z]{3,}", " ".join([youth.given_name, youth.family_name,
                                                             youth.group.institution])))
    page = client.get("/my/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    english, links = _english_words(page.content.decode(), data_words)
    found = {"/my/": english}
    for link in sorted(set(links)):
        path = urlsplit(link).path
        if any(part in link for part in SKIP) or path in found:
            continue
        response = client.get(link, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found[path] = _english_words(response.content.decode(), data_words)[0]
    assert len(found) >= 3, found.keys()  # My camp, the plan, a class at least
    left = {path: sorted(words) for path, words in found.items() if words}
    assert not left, f"English on {language} pages: {left}"
