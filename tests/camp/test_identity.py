"""Identity under abuse (issue #12): full-width join codes, invisible characters in names,
duplicates after normalisation, a roster's size and a roster page of thousands."""

import time
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from camp.models import JoinCode, Participant, join_code_key, name_key
from camp.services.join import join_login_check, youth_accounts_issue
from camp.services.roster import MAX_ROSTER, participant_create, participant_update, roster_import_preview
from tests import factories
from tests.camp.conftest import csv_bytes, speak_english, youth_row

pytestmark = pytest.mark.django_db
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]


def full_width(text: str) -> str:
    """What a Chinese IME in full-width mode types for ASCII."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else "\u3000" if ch == " " else ch for ch in text)


@pytest.fixture
def code(group, make_participant):
    participant = make_participant(group, with_account=False)
    youth_accounts_issue(group=group)
    return JoinCode.objects.get(user__participant=participant, revoked_at__isnull=True).code


@pytest.mark.parametrize("typed", [
    lambda c: full_width(c),                                   # ＡＢＣＤ－ＥＦＧＨ－ＪＫ
    lambda c: full_width(c.replace("-", " ")),                 # full-width spaces
    lambda c: full_width(c).lower(),                           # ａｂｃｄ
    lambda c: c.replace("-", "\u2014"),                        # em dash
    lambda c: c.replace("-", "\u2010"),                        # hyphen
    lambda c: c.replace("-", "\u2212"),                        # minus sign
    lambda c: c.replace("-", "\u30fc"),                        # ー, the IME's long-vowel mark
    lambda c: c.replace("-", "\u00a0"),                        # no-break space
    lambda c: "\u3000" + c.replace("-", "\u200b") + "\t",      # zero-width space, tab
])
def test_full_width_and_other_dashes_find_the_code(code, typed):
    assert join_code_key(typed(code)) == code.replace("-", "")


@override_settings(JOIN_RATE_LIMIT_PER_IP=(3, 60))
def test_a_full_width_right_code_logs_in_and_is_not_counted_as_a_failure(code):
    ip = "203.0.113.50"
    for _try in range(5):  # more than the address's failure limit; under the code's own limit
        assert join_login_check(code=full_width(code), ip=ip).is_youth
    # No failure was counted: two typos still leave the right code working.
    for typo in ("ZZZZ-ZZZZ-Z2", "ZZZZ-ZZZZ-Z3"):
        with pytest.raises(ValidationError):
            join_login_check(code=typo, ip=ip)
    assert join_login_check(code=full_width(code), ip=ip).is_youth


def test_the_join_page_with_a_full_width_code(client, code):
    response = client.post(reverse("join"), {"code": full_width(code)})
    assert response.status_code == 302 and response["Location"] == reverse("my_camp")


@pytest.mark.parametrize("invisible", ZERO_WIDTH)
def test_name_key_ignores_invisible_characters(invisible):
    assert name_key(f"Ta{invisible}n") == name_key("tan") == "tan"


def test_name_key_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Lefèvre Zoé")
    assert decomposed != "Lefèvre Zoé" and name_key(decomposed) == name_key("Lefèvre Zoé")


@pytest.mark.parametrize("invisible", ZERO_WIDTH)
def test_roster_file_duplicates_after_normalisation(coordinator, applying_group, invisible):
    rows = [youth_row(1, family_name="Tan", given_name="Mei"),
            youth_row(2, family_name=f"T{invisible}an", given_name=unicodedata.normalize("NFD", "Mei")),
            youth_row(3, family_name="Tan", given_name=f"Mei{invisible}")]
    # youth_row(n) gives the same birth year to all
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="d.csv", data=csv_bytes(rows))
    assert [(p["line"], p["column"]) for p in pending.problems] == [(3, "given_name"), (4, "given_name")]
    assert all("same youth as on row 2" in p["message"] for p in pending.problems)


def test_a_duplicate_of_someone_on_the_roster_with_a_zero_width_space(coordinator, applying_group):
    values = {"family_name": "Tan", "given_name": "Mei", "birth_year": 2014, "guardian_name": "Mother",
              "guardian_contact": "+66 81 234 5678"}
    participant_create(by=coordinator, group=applying_group, **values)
    with pytest.raises(ValidationError) as error:
        participant_create(by=coordinator, group=applying_group, **(values | {"given_name": "M\u200bei\ufeff"}))
    assert "already on the roster" in error.value.message_dict["given_name"][0]
    other = participant_create(by=coordinator, group=applying_group, **(values | {"given_name": "Ling"}))
    with pytest.raises(ValidationError):
        participant_update(by=coordinator, participant=other, given_name="\u2060Mei")
    assert Participant.objects.filter(group=applying_group).count() == 2


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d", " \ufeff ", "\u2060\u3000", "\u00ad"])
def test_names_empty_after_removing_invisible_characters_are_refused(coordinator, applying_group, name):
    values = {"family_name": "Tan", "given_name": "Mei", "birth_year": 2014, "guardian_name": "Mother",
              "guardian_contact": "+66 81 234 5678"}
    for field in ("family_name", "given_name", "chinese_name", "guardian_name"):
        with pytest.raises(ValidationError) as error:
            participant_create(by=coordinator, group=applying_group, **(values | {field: name}))
        assert any("visible letters" in message or "required" in message
                   for message in error.value.message_dict[field])
    assert not Participant.objects.filter(group=applying_group).exists()
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="z.csv",
                                    data=csv_bytes([youth_row(1, given_name=name.strip() or name)]))
    assert [(p["line"], p["column"]) for p in pending.problems] == [(2, "given_name")]


def test_a_display_name_of_only_invisible_characters_is_refused(client, coordinator):
    speak_english(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("profile"), {"display_name": "\u200b\u200d", "preferred_language": "en",
                                                "time_zone": "Asia/Bangkok"})
    assert response.status_code == 200 and "visible letters" in response.content.decode()


# --- The roster's size -------------------------------------------------------------------------

def test_a_group_not_approved_holds_at_most_max_roster(coordinator, applying_group):
    factories.participants_bulk(applying_group, MAX_ROSTER - 5)
    rows = [youth_row(n, guardian_contact=f"+66 81 {n:07d}") for n in range(6)]
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="big.csv", data=csv_bytes(rows))
    assert [p["message"] for p in pending.problems] == [
        f"A group's roster holds at most {MAX_ROSTER} youth (now {MAX_ROSTER - 5}, adding 6)."]
    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="big.csv",
                                    data=csv_bytes(rows[:5]))
    assert pending.problems == []
    from camp.services.roster import roster_import_confirm

    assert roster_import_confirm(by=coordinator, roster_import=pending) == 5
    with pytest.raises(ValidationError) as error:
        participant_create(by=coordinator, group=applying_group, family_name="One", given_name="More",
                           birth_year=2014, guardian_name="Mother", guardian_contact="+66 81 234 5678")
    assert f"at most {MAX_ROSTER} youth" in error.value.messages[0]
    assert Participant.objects.filter(group=applying_group).count() == MAX_ROSTER


def test_the_cap_is_checked_again_when_the_file_is_confirmed(coordinator, applying_group):
    from camp.services.roster import roster_import_confirm

    pending = roster_import_preview(by=coordinator, group=applying_group, file_name="a.csv",
                                    data=csv_bytes([youth_row(n) for n in range(3)]))
    assert pending.problems == []
    factories.participants_bulk(applying_group, MAX_ROSTER - 2)  # the roster grew meanwhile
    with pytest.raises(ValidationError):
        roster_import_confirm(by=coordinator, roster_import=pending)
    assert Participant.objects.filter(group=applying_group).count() == MAX_ROSTER - 2


def test_the_roster_page_stays_bounded_for_a_huge_roster(client, coordinator, new_group, django_assert_max_num_queries):
    """30,012 youth made a 17 s page (issue #12): the page shows one page of them."""
    factories.participants_bulk(new_group, 3000)
    factories.participant(new_group, family_name="A-first", consent=False)
    speak_english(coordinator)
    client.force_login(coordinator)
    started = time.monotonic()
    with django_assert_max_num_queries(20):
        response = client.get(reverse("roster", args=[new_group.pk]))
    page = response.content.decode()
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and "3001 youth" in page and "consent missing: 3001" in page
    assert "A-first" in page and page.count("<tr>") <= 101 and "F00098" in page and "F00099" not in page
    assert "?page=2" in page and "Page 1 of 31" in page
    last = client.get(reverse("roster", args=[new_group.pk]), {"page": "31"}).content.decode()
    assert "F02999" in last and "A-first" not in last
    for junk in ("0", "-1", "abc", str(2**70), "99999"):
        assert client.get(reverse("roster", args=[new_group.pk]), {"page": junk}).status_code == 200


def test_the_group_page_names_a_bounded_number_of_youth_without_consent(client, coordinator, new_group):
    from camp.views.groups import WITHOUT_CONSENT_SHOWN

    factories.participants_bulk(new_group, 2000)
    speak_english(coordinator)
    client.force_login(coordinator)
    started = time.monotonic()
    page = client.get(reverse("group_detail", args=[new_group.pk])).content.decode()
    assert time.monotonic() - started < 2
    assert "2000 youth on the roster have no guardian consent yet" in page
    assert f"F{WITHOUT_CONSENT_SHOWN - 1:05d}" in page and f"F{WITHOUT_CONSENT_SHOWN:05d}" not in page
