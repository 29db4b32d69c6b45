"""My camp, the youth home, login cards, and the admin working offline."""

import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from camp.models import Camp, JoinCode
from camp.services.join import youth_accounts_issue
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db


def test_my_camp_shows_group_and_phase_in_the_youths_language(client, youth, group, phase):
    client.force_login(youth)  # a Thai reader
    response = client.get(reverse("my_camp"))
    assert response.status_code == 200
    assert {key: response.context[key] for key in ("participant", "group", "phase")} == {
        "participant": youth.participant, "group": group, "phase": phase}
    assert response.context["enrollment"].phase == phase
    page = response.content.decode()
    assert '<html lang="th">' in page and "ค่ายของฉัน" in page and group.name in page
    # The phase began two days ago in Beijing; the youth counts days in the group's zone, one day
    # behind Beijing between 16:00 and 17:00 UTC (Bangkok).
    day = (timezone.localdate(timezone=zoneinfo.ZoneInfo(str(group.zone))) - phase.starts_on).days + 1
    assert f"วันนี้เป็นวันที่ {day} จาก 15 วัน" in page and day in (2, 3)
    for partial in ("courses/_my_camp.html", "live/_my_camp.html", "reports/_my_camp.html"):
        assert partial in [template.name for template in response.templates]


def test_the_youth_home_is_my_camp(client, youth, group):
    client.force_login(youth)
    response = client.get("/")
    assert "camp/_my_camp.html" in [template.name for template in response.templates]
    assert response.context["group"] == group and "ค่ายของฉัน" in response.content.decode()


def test_my_camp_is_for_youth(client, coordinator, organizer):
    for person in (coordinator, organizer):
        client.force_login(person)
        assert client.get(reverse("my_camp")).status_code == 403


def test_coordinator_and_organizer_homes_show_groups_and_the_queue(client, coordinator, organizer, group):
    speak_english(coordinator, organizer)
    client.force_login(coordinator)
    assert group.name in client.get("/").content.decode()
    client.force_login(organizer)
    assert "0 applications wait for a decision." in client.get("/").content.decode()


def test_login_cards_for_the_whole_group(client, group, coordinator, other_coordinator, make_participant):
    speak_english(coordinator)
    youth = [make_participant(group, with_account=False, given_name=f"Kid{n}", chinese_name=f"小{n}") for n in range(4)]
    missing = make_participant(group, with_account=False, consent=False, given_name="NoConsent")
    youth_accounts_issue(group=group)
    client.force_login(coordinator)
    response = client.get(reverse("login_cards", args=[group.pk]))
    page = response.content.decode()
    codes = list(JoinCode.objects.filter(user__participant__in=youth).values_list("code", flat=True))
    assert len(codes) == 4 and all(code in page for code in codes)
    # Every youth gets a card, the one without consent too (only its guardian's half works).
    assert page.count('class="login-card"') == 5
    assert page.count('<div class="qr" aria-hidden="true"><svg') == 4 + 5  # the youth's QR codes, every guardian's
    assert "http://127.0.0.1:8000/join/" in page
    assert "http://127.0.0.1:8000/guardian/" in page
    assert "小0" in page and missing.full_name in page  # listed as without a code
    client.force_login(other_coordinator)
    assert client.get(reverse("login_cards", args=[group.pk])).status_code == 404


def test_qr_code_opens_the_join_page(group, make_participant):
    import segno  # noqa: F401  (the QR library the cards use)

    from camp.services.cards import login_cards

    make_participant(group, with_account=False)
    youth_accounts_issue(group=group)
    card = login_cards(group)[0]
    assert card.url == f"http://127.0.0.1:8000/join/{card.code}/"
    assert card.qr_svg.startswith("<svg")


def test_the_camp_admin_loads_no_external_script(client, organizer, camp):
    organizer.is_staff = organizer.is_superuser = True
    organizer.save()
    client.force_login(organizer)
    response = client.get(reverse("admin:camp_camp_change", args=[camp.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "/static/vendor/jquery-ui-1.14.1.min.js" in sources  # the tabs need jQuery UI: vendored
    assert any("tabbed_translation_fields" in source for source in sources)
    assert 'id="id_title_th"' in page and 'id="id_title_zh_hans"' in page
    for name in ("group", "participant", "enrollment", "joincode", "rosterimport", "phase"):
        assert client.get(reverse(f"admin:camp_{name}_changelist")).status_code == 200
    assert Camp.objects.count() == 1
