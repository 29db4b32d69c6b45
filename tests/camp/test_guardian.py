"""The guardian's pages behind their link, and the coordinator's side (issue #17)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from camp.models import ConsentDecision, ConsentItem, GuardianMessage
from camp.services.consent import (
    consent_version_current,
    guardian_link_ensure,
    guardian_link_rotate,
    guardian_link_token,
    guardian_link_url,
)
from tests import factories
from tests.camp.conftest import speak_english

pytestmark = pytest.mark.django_db


def _answers(version, **overrides):
    data = {"version": str(version), "lang": "en"}
    for item in ConsentItem.values:
        data[f"item_{item}"] = overrides.get(item, "yes")
    return data


@pytest.fixture
def waiting(group, make_participant):
    """A youth of `group` whose guardian has not answered yet (no account, no consent)."""
    participant = make_participant(
        group, with_account=False, consent=False, given_name="Mali", family_name="Lim"
    )
    participant.guardian_contact = "mali.mum@example.org"
    participant.save(update_fields=["guardian_contact"])
    return participant


@pytest.fixture
def link(waiting, coordinator):
    return guardian_link_ensure(by=coordinator, participant=waiting)


def _url(name, link):
    return reverse(name, args=[guardian_link_token(link)])


def test_the_guardian_consents_and_the_youth_gets_an_account(client, link, waiting):
    page = client.get(_url("guardian_home", link) + "?lang=en")
    assert page.status_code == 200 and b"Read and answer" in page.content
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    form = client.get(_url("guardian_consent", link) + "?lang=th")
    assert form.status_code == 200 and 'lang="th"' in form.content.decode()
    # Nothing is chosen in advance.
    assert b"checked" not in form.content
    response = client.post(
        _url("guardian_consent", link), _answers(consent_version_current().number, showcase_camp="no")
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.consent_given and waiting.consent_method == "link" and waiting.user is not None
    decisions = ConsentDecision.objects.filter(participant=waiting)
    assert decisions.count() == 5 and not decisions.get(item="showcase_camp").agreed
    assert set(decisions.values_list("source", flat=True)) == {"link"}
    home = client.get(_url("guardian_home", link) + "?lang=en").content.decode()
    assert "Your child may take part." in home and "Withdraw my consent" in home


@pytest.mark.parametrize(
    "bad",
    [
        {"item_participation": None},  # an item missing
        {"item_biometrics": "yes"},  # an item we do not ask
        {"item_camera": "maybe"},
        {"version": "0"},  # a version that is not the current one
        {"version": "x"},
    ],
)
def test_malformed_answers_write_nothing(client, link, waiting, bad):
    data = _answers(consent_version_current().number)
    for key, value in bad.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = client.post(_url("guardian_consent", link), data)
    assert response.status_code == 400
    assert not ConsentDecision.objects.filter(participant=waiting).exists()
    waiting.refresh_from_db()
    assert not waiting.consent_given


def test_a_stale_version_writes_nothing(client, link, waiting):
    from camp.services.consent import consent_version_publish

    old = consent_version_current().number
    consent_version_publish(changes="Recordings are kept for 30 days.")
    response = client.post(_url("guardian_consent", link), _answers(old))
    assert response.status_code == 400 and b"changed while you were reading" in response.content
    assert not ConsentDecision.objects.filter(participant=waiting).exists()


def test_withdrawal_revokes_access_and_tells_the_coordinators(
    client, link, waiting, coordinator, django_capture_on_commit_callbacks
):
    client.post(_url("guardian_consent", link), _answers(consent_version_current().number))
    waiting.refresh_from_db()
    assert waiting.consent_given
    mail.outbox.clear()
    client.get(_url("guardian_withdraw", link))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("guardian_withdraw", link), {"lang": "en"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert not waiting.consent_given and not waiting.user.has_usable_password()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    # In the coordinator's language (Thai here), with the link to the youth's guardian page.
    assert reverse("guardian_link_page", args=[waiting.group.pk, waiting.pk]) in mail.outbox[0].body
    assert ConsentDecision.objects.filter(participant=waiting, withdrawal=True).count() == 5
    speak_english(coordinator)
    client.force_login(coordinator)
    roster = client.get(reverse("roster", args=[waiting.group.pk])).content.decode()
    assert "Withdrawn by the guardian" in roster


def test_a_rotated_link_and_a_garbage_token_are_refused(client, link, waiting, coordinator):
    old = _url("guardian_home", link)
    new = guardian_link_rotate(by=coordinator, participant=waiting)
    assert client.get(old).status_code == 404
    assert (
        client.post(
            old.replace("/guardian/", "/guardian/") + "consent/", _answers(consent_version_current().number)
        ).status_code
        == 404
    )
    assert client.get(reverse("guardian_home", args=["x" * 40])).status_code == 404
    assert client.get(reverse("guardian_home", args=["short"])).status_code == 404
    assert client.get(_url("guardian_home", new)).status_code == 200
    assert not ConsentDecision.objects.exists()


def test_guessing_links_is_rate_limited(client, link, settings):
    settings.GUARDIAN_RATE_LIMIT_PER_IP = (3, 60)
    for _index in range(3):
        assert client.get(reverse("guardian_home", args=["ab" * 20])).status_code == 404
    assert client.get(reverse("guardian_home", args=["ab" * 20])).status_code == 429
    # Once limited, the right link waits too (a guesser must not learn which guess was right).
    assert client.get(_url("guardian_home", link)).status_code == 429


def test_a_right_link_does_not_use_up_the_limit(client, link, settings):
    settings.GUARDIAN_RATE_LIMIT_PER_IP = (2, 60)
    for _index in range(5):
        assert client.get(_url("guardian_home", link)).status_code == 200


def test_another_guardians_link_shows_only_their_child(
    client, link, waiting, group, make_participant, coordinator
):
    other = make_participant(group, with_account=False, consent=False, given_name="Niran", family_name="Chai")
    other_link = guardian_link_ensure(by=coordinator, participant=other)
    page = client.get(_url("guardian_home", other_link) + "?lang=en").content.decode()
    assert "Niran" in page and "Mali" not in page and "mali.mum" not in page
    client.post(_url("guardian_consent", other_link), _answers(consent_version_current().number))
    assert not ConsentDecision.objects.filter(participant=waiting).exists()


def test_the_schedule_is_in_the_groups_time_with_a_city_label(
    client, group, phase, coordinator, youth_participant
):
    plan = factories.plan_of(group, phase)
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    factories.plan_item(plan, factories.lesson("剪纸 Paper cutting", 45), starts_at=starts)
    link = guardian_link_ensure(by=coordinator, participant=youth_participant)
    page = client.get(_url("guardian_home", link) + "?lang=en").content.decode()
    assert "All times in Bangkok time." in page and "Asia/Bangkok" not in page
    assert timezone.localtime(starts, group.zone).strftime("%H:%M") in page and "Paper cutting" in page


def test_ask_the_coordinator(
    client, link, waiting, coordinator, other_coordinator, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert client.post(_url("guardian_ask", link), {"body": "", "lang": "en"}).status_code == 400
    assert client.post(_url("guardian_ask", link), {"body": "x" * 2001, "lang": "en"}).status_code == 400
    assert not GuardianMessage.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("guardian_ask", link), {"body": "When is the first class?", "lang": "en"})
    assert response.status_code == 302
    assert GuardianMessage.objects.get().participant == waiting
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    client.force_login(coordinator)
    page = client.get(reverse("guardian_messages", args=[waiting.group.pk]))
    assert "When is the first class?" in page.content.decode()
    client.force_login(other_coordinator)
    assert client.get(reverse("guardian_messages", args=[waiting.group.pk])).status_code == 404


def test_the_coordinator_sends_and_rotates_the_link(
    client, waiting, coordinator, django_capture_on_commit_callbacks
):
    speak_english(coordinator)
    client.force_login(coordinator)
    roster = client.get(reverse("roster", args=[waiting.group.pk])).content.decode()
    page_url = reverse("guardian_link_page", args=[waiting.group.pk, waiting.pk])
    assert page_url in roster
    page = client.get(page_url).content.decode()
    link = waiting.guardian_links.get(revoked_at__isnull=True)
    assert guardian_link_url(link) in page and "<svg" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("guardian_link_send", args=[waiting.group.pk, waiting.pk]))
    assert [m.to for m in mail.outbox] == [["mali.mum@example.org"]]
    assert guardian_link_url(link) in mail.outbox[0].body
    client.post(reverse("guardian_link_rotate", args=[waiting.group.pk, waiting.pk]))
    assert waiting.guardian_links.filter(revoked_at__isnull=True).count() == 1
    assert waiting.guardian_links.get(revoked_at__isnull=True).pk != link.pk


def test_paper_consent_is_marked_as_paper_with_who_recorded_it(client, waiting, coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    url = reverse("participant_consent", args=[waiting.group.pk, waiting.pk])
    assert b"checked" not in client.get(url).content
    assert client.post(url, {"items": ["participation", "nonsense"], "method": "paper"}).status_code == 200
    assert client.post(url, {"items": ["participation"], "method": "link"}).status_code == 200
    assert not ConsentDecision.objects.exists()
    assert client.post(url, {"items": ["participation", "recording"], "method": "paper"}).status_code == 302
    waiting.refresh_from_db()
    assert (
        waiting.consent_given
        and waiting.consent_recorded_by == coordinator
        and waiting.consent_method == "paper"
    )
    rows = ConsentDecision.objects.filter(participant=waiting)
    assert set(rows.values_list("source", "recorded_by", "method")) == {("paper", coordinator.pk, "paper")}
    assert rows.get(item="recording").agreed and not rows.get(item="camera").agreed


def test_bulk_paper_consent_is_not_pre_ticked(client, waiting, coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("roster_consent_bulk", args=[waiting.group.pk])).content.decode()
    assert "Mali" in page and "checked" not in page


@pytest.mark.parametrize("classes", [1, 12])
def test_the_guardian_page_costs_the_same_whatever_the_history(
    client, group, phase, coordinator, youth_participant, teacher, classes, django_assert_max_num_queries
):
    for day in range(1, classes + 1):
        factories.held_session(group, phase, teacher=teacher, day=day)
    link = guardian_link_ensure(by=coordinator, participant=youth_participant)
    client.get(_url("guardian_home", link))  # the consent version is made on first use
    with django_assert_max_num_queries(11):
        page = client.get(_url("guardian_home", link) + "?lang=en")
    assert page.status_code == 200 and f"of {classes} classes attended" in page.content.decode()


def test_bulk_paper_consent_with_a_foreign_youth_writes_nothing(
    client, waiting, other_group, make_participant, coordinator
):
    foreign = make_participant(other_group, with_account=False, consent=False)
    client.force_login(coordinator)
    url = reverse("roster_consent_bulk", args=[waiting.group.pk])
    response = client.post(url, {"participants": [waiting.pk, foreign.pk], "attestation": "on"})
    assert response.status_code == 200
    response = client.post(url, {"participants": [waiting.pk]})  # no attestation
    assert response.status_code == 200
    assert not ConsentDecision.objects.exists()
    assert client.post(url, {"participants": [waiting.pk], "attestation": "on"}).status_code == 302
    decision = ConsentDecision.objects.get()
    assert (decision.participant, decision.item, decision.source, decision.method, decision.recorded_by) == (
        waiting,
        "participation",
        "paper",
        "bulk",
        coordinator,
    )


def test_the_language_chosen_is_remembered_like_the_sites_cookie(client, link, settings):
    response = client.get(_url("guardian_home", link) + "?lang=my")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "my" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert 'lang="my"' in client.get(_url("guardian_consent", link)).content.decode()
    assert client.get(_url("guardian_home", link) + "?lang=xx").status_code == 200  # unknown: ignored


def test_guesses_from_one_ipv6_subscriber_are_counted_together(client, link, settings):
    settings.GUARDIAN_RATE_LIMIT_PER_IP = (3, 60)
    for suffix in range(3):
        response = client.get(
            reverse("guardian_home", args=["ab" * 20]), REMOTE_ADDR=f"2001:db8:1:2::{suffix + 1}"
        )
        assert response.status_code == 404
    assert (
        client.get(reverse("guardian_home", args=["ab" * 20]), REMOTE_ADDR="2001:db8:1:2::99").status_code
        == 429
    )
    assert client.get(_url("guardian_home", link), REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_the_roster_tells_a_withdrawal_from_a_refusal(
    client, link, waiting, group, coordinator, make_participant
):
    version = consent_version_current().number
    client.post(_url("guardian_consent", link), _answers(version))
    client.post(_url("guardian_consent", link), _answers(version, participation="no"))  # yes, then no
    other = make_participant(group, with_account=False, consent=False, given_name="Niran", family_name="Chai")
    other_link = guardian_link_ensure(by=coordinator, participant=other)
    client.post(_url("guardian_consent", other_link), _answers(version, participation="no"))  # never yes
    speak_english(coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("roster", args=[group.pk])).content.decode()
    row_of = {name: page[page.index(name) :].split("</tr>")[0] for name in ("Mali", "Niran")}
    assert "Withdrawn by the guardian" in row_of["Mali"] and "Declined by the guardian" in row_of["Niran"]
