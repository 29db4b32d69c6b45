"""The organizers' chat filter page: their camp's own terms (add, edit, delete), the starter list
read-only, a "try a phrase" box, clear refusals of bad input, and the rooms following at once."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from camp.models import User
from live import services
from live.access import member_for
from live.models import BlockedTerm
from live.services import blocked_terms
from live.services.blocklist import BlockedContent, camp_blocklist
from tests import factories

pytestmark = pytest.mark.django_db


def _in_english(user) -> None:
    """The pages in English (the user's own language wins over the cookie), for the assertions on
    the messages."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])


@pytest.fixture
def own_term(camp):
    return BlockedTerm.objects.create(camp=camp, term="菠萝头", language="zh-hans")


@pytest.fixture
def starter_term(camp):
    return BlockedTerm.objects.get(camp=camp, term="傻逼")


@pytest.fixture
def other_organizer(make_user):
    return make_user(User.Role.ORGANIZER)


@pytest.fixture
def other_camp(other_organizer):
    return factories.camp(other_organizer, title="寻根之旅", year=2026)


def _url(name, camp, term=None):
    return reverse(f"live:{name}", kwargs={"pk": camp.pk, **({"term_pk": term.pk} if term else {})})


def _terms(camp) -> set[str]:
    return set(BlockedTerm.objects.filter(camp=camp).values_list("term", flat=True))


# --- the page ---------------------------------------------------------------------------------

def test_the_page_lists_own_terms_editable_and_the_starter_list_read_only(client, organizer, camp, own_term,
                                                                          starter_term):
    client.force_login(organizer)
    response = client.get(_url("blocklist", camp))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-term-id="{own_term.pk}"' in body and _url("blocklist_edit", camp, own_term) in body
    assert "傻逼" in body  # shown in the starter list …
    assert _url("blocklist_edit", camp, starter_term) not in body  # … without edit or delete
    assert _url("blocklist_delete", camp, starter_term) not in body
    assert response.context["starter_count"] == BlockedTerm.objects.filter(camp=camp).count() - 1


def test_the_organizers_navigation_leads_to_the_page(client, organizer, camp):
    client.force_login(organizer)
    home = client.get(reverse("home")).content.decode()
    assert reverse("live:blocklist_index") in home
    assert client.get(reverse("live:blocklist_index")).url == _url("blocklist", camp)


def test_an_organizer_of_two_camps_chooses_one(client, organizer, camp):
    second = factories.camp(organizer, title="第二个营", year=2027)
    client.force_login(organizer)
    response = client.get(reverse("live:blocklist_index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert _url("blocklist", camp) in body and _url("blocklist", second) in body


def test_a_co_organizer_curates_too(client, camp, make_user):
    co = make_user(User.Role.ORGANIZER)
    camp.co_organizers.add(co)
    client.force_login(co)
    assert client.post(_url("blocklist_add", camp), {"term": "coconuthead", "language": "en"}).status_code == 302
    assert "coconuthead" in _terms(camp)


# --- adding, and the rooms following ------------------------------------------------------------

def test_an_added_term_is_refused_in_the_room_at_once(client, organizer, camp, live_session, youth):
    member = member_for(youth, live_session)
    services.chat_message_post(session_id=live_session.pk, member=member, text="你是菠萝头", client_id="a1")
    assert camp_blocklist(camp.pk).find("你是菠萝头") is None  # compiled and cached without it
    client.force_login(organizer)
    response = client.post(_url("blocklist_add", camp), {"term": "  菠萝头 ", "language": "zh-hans"}, follow=True)
    assert response.redirect_chain == [(_url("blocklist", camp), 302)]
    assert "菠萝头" in response.content.decode()
    assert BlockedTerm.objects.get(camp=camp, term="菠萝头").language == "zh-hans"
    with pytest.raises(BlockedContent) as refused:
        services.chat_message_post(session_id=live_session.pk, member=member, text="你是菠萝头!", client_id="a2")
    assert refused.value.reason == "word"


def test_a_deleted_term_is_allowed_in_the_room_at_once(client, organizer, camp, own_term, live_session, youth):
    member = member_for(youth, live_session)
    assert camp_blocklist(camp.pk).find("你是菠萝头") == "菠萝头"
    client.force_login(organizer)
    assert client.post(_url("blocklist_delete", camp, own_term)).status_code == 302
    assert not BlockedTerm.objects.filter(pk=own_term.pk).exists()
    message, _created = services.chat_message_post(session_id=live_session.pk, member=member, text="你是菠萝头",
                                                   client_id="d1")
    assert message.pk


@pytest.mark.parametrize("term,language,field,words", [
    ("", "", "term", "Write a word or phrase"),
    ("   ", "en", "term", "Write a word or phrase"),
    ("x" * 101, "en", "term", "at most 100 characters"),
    ("bad\x07word", "en", "term", "control characters"),
    ("bad\x00word", "en", "term", "Null characters are not allowed"),
    ("!!! ???", "", "term", "at least one letter or digit"),
    ("F U C K", "en", "term", "already has this term (as “fuck”)"),
    ("ＦＵＣＫ", "en", "term", "already has this term"),
    ("菠 萝 头", "zh-hans", "term", "already has this term (as “菠萝头”)"),
    ("coconut", "xx", "language", "valid choice"),
])
def test_bad_terms_are_refused_clearly_and_nothing_is_written(client, organizer, camp, own_term, term, language,
                                                              field, words):
    before = _terms(camp)
    client.force_login(organizer)
    _in_english(organizer)
    response = client.post(_url("blocklist_add", camp), {"term": term, "language": language})
    assert response.status_code == 400
    errors = response.context["add_form"].errors
    assert any(words in message for message in errors[field]), errors
    assert _terms(camp) == before




def test_edit_an_own_term(client, organizer, camp, own_term):
    client.force_login(organizer)
    assert client.get(_url("blocklist_edit", camp, own_term)).status_code == 200
    response = client.post(_url("blocklist_edit", camp, own_term), {"term": "大菠萝头", "language": ""})
    assert response.status_code == 302
    own_term.refresh_from_db()
    assert (own_term.term, own_term.language) == ("大菠萝头", "")
    assert camp_blocklist(camp.pk).find("你是大菠萝头") == "大菠萝头"


def test_edit_into_a_duplicate_is_refused(client, organizer, camp, own_term):
    client.force_login(organizer)
    _in_english(organizer)
    response = client.post(_url("blocklist_edit", camp, own_term), {"term": "Fuck", "language": "en"})
    assert response.status_code == 400
    assert "already has this term" in str(response.context["form"].errors["term"])
    own_term.refresh_from_db()
    assert own_term.term == "菠萝头"


def test_the_starter_terms_are_read_only(client, organizer, camp, starter_term):
    client.force_login(organizer)
    assert client.get(_url("blocklist_edit", camp, starter_term)).status_code == 403
    assert client.post(_url("blocklist_edit", camp, starter_term), {"term": "x1", "language": ""}).status_code == 403
    assert client.post(_url("blocklist_delete", camp, starter_term)).status_code == 403
    assert BlockedTerm.objects.filter(pk=starter_term.pk, term="傻逼").exists()


def test_the_services_refuse_a_starter_term_too(organizer, starter_term):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        blocked_terms.blocked_term_delete(by=organizer, blocked_term=starter_term)
    with pytest.raises(ValidationError):
        blocked_terms.blocked_term_update(by=organizer, blocked_term=starter_term, term="x1")
    assert BlockedTerm.objects.filter(pk=starter_term.pk, term="傻逼").exists()


def test_wrong_methods(client, organizer, camp, own_term):
    client.force_login(organizer)
    assert client.get(_url("blocklist_add", camp)).status_code == 405
    assert client.get(_url("blocklist_try", camp)).status_code == 405
    assert client.get(_url("blocklist_delete", camp, own_term)).status_code == 405
    assert client.post(_url("blocklist", camp)).status_code == 405
    assert client.put(_url("blocklist_edit", camp, own_term)).status_code == 405


# --- try a phrase -------------------------------------------------------------------------------

@pytest.mark.parametrize("text,reason,term", [
    ("老师好，我写完了", None, None),
    ("你是个傻逼", "word", "傻逼"),
    ("f.u.c.k this", "word", "fuck"),
    ("看 www.example.com", "link", None),
    ("加我微信 abc123", "word", "加我微信"),
    ("my number is 081 234 5678", "contact", None),
])
def test_try_a_phrase_says_whether_and_why(client, organizer, camp, text, reason, term):
    client.force_login(organizer)
    response = client.post(_url("blocklist_try", camp), {"text": text})
    assert response.status_code == 200
    verdict = response.context["verdict"]
    assert (verdict.reason, verdict.term) == (reason, term)
    body = response.content.decode()
    assert f'data-reason="{reason or ""}"' in body
    assert BlockedTerm.objects.filter(camp=camp).count() == len(_terms(camp))  # nothing stored


@pytest.mark.parametrize("text,words", [("", "Write a phrase"), (" \x07 ", "Write a phrase"),
                                        ("好" * 501, "at most 500 characters")])
def test_try_with_bad_input_is_refused_clearly(client, organizer, camp, text, words):
    client.force_login(organizer)
    _in_english(organizer)
    response = client.post(_url("blocklist_try", camp), {"text": text})
    assert response.status_code == 400
    assert words in str(response.context["try_form"].errors["text"])
    assert response.context["verdict"] is None


# --- outsiders ----------------------------------------------------------------------------------

OUTSIDERS = ["other_organizer", "teacher", "coordinator", "youth", "other_coordinator"]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_learn_nothing_and_change_nothing(client, request, camp, own_term, persona):
    client.force_login(request.getfixturevalue(persona))
    before = _terms(camp)
    assert client.get(_url("blocklist", camp)).status_code == 404
    assert client.post(_url("blocklist_add", camp), {"term": "coconuthead"}).status_code == 404
    assert client.post(_url("blocklist_try", camp), {"text": "hi"}).status_code == 404
    assert client.get(_url("blocklist_edit", camp, own_term)).status_code == 404
    assert client.post(_url("blocklist_edit", camp, own_term), {"term": "x1"}).status_code == 404
    assert client.post(_url("blocklist_delete", camp, own_term)).status_code == 404
    assert _terms(camp) == before


def test_anonymous_is_sent_to_sign_in(client, camp, own_term):
    for response in (client.get(_url("blocklist", camp)), client.post(_url("blocklist_add", camp), {"term": "x1"}),
                     client.post(_url("blocklist_delete", camp, own_term)), client.get(reverse("live:blocklist_index"))):
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert BlockedTerm.objects.filter(pk=own_term.pk).exists()


@pytest.mark.parametrize("persona", ["teacher", "coordinator", "youth"])
def test_the_index_is_for_organizers(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("live:blocklist_index")).status_code == 403


def test_a_term_of_another_camp_is_not_found_through_ones_own(client, organizer, camp, other_camp):
    foreign = BlockedTerm.objects.create(camp=other_camp, term="yamhead")
    client.force_login(organizer)
    assert client.get(_url("blocklist_edit", camp, foreign)).status_code == 404
    assert client.post(_url("blocklist_delete", camp, foreign)).status_code == 404
    assert client.get(_url("blocklist", other_camp)).status_code == 404
    assert BlockedTerm.objects.filter(pk=foreign.pk).exists()


def test_the_services_check_their_caller(other_organizer, camp, own_term):
    with pytest.raises(PermissionDenied):
        blocked_terms.blocked_term_add(by=other_organizer, camp=camp, term="coconuthead")
    with pytest.raises(PermissionDenied):
        blocked_terms.blocked_term_update(by=other_organizer, blocked_term=own_term, term="x1")
    with pytest.raises(PermissionDenied):
        blocked_terms.blocked_term_delete(by=other_organizer, blocked_term=own_term)
    with pytest.raises(PermissionDenied):
        blocked_terms.blocklist_try(by=other_organizer, camp=camp, text="hi")
    own_term.refresh_from_db()
    assert own_term.term == "菠萝头" and "coconuthead" not in _terms(camp)
