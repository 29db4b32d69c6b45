"""Showcase reactions: youth react to others' approved work from a fixed set, one each, changed or
taken back; a teacher turns them off per piece; counts for all who see it, names for moderators."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from activities.models import Reaction, ShowcasePiece
from activities.services import reactions, showcase
from camp.models import Participant, User
from tests import factories
from tests.activities import files
from tests.activities.conftest import paper_consent
from tests.camp.conftest import speak_english


@pytest.fixture
def classmate(group):
    return factories.participant(group, given_name="小明", family_name="王")


@pytest.fixture
def piece(youth, youth_participant, plan_item, teacher, coordinator):
    """The youth's work, approved and shown to the whole camp."""
    paper_consent(coordinator, youth_participant, "showcase_group", "showcase_camp")
    submitted = showcase.piece_submit(
        by=youth, participant=youth_participant, title="茶艺", file=files.photo()
    )
    return showcase.piece_moderate(by=teacher, piece=submitted, action="approve")


def _react(client, user, piece, emoji, **headers):
    client.force_login(user)
    return client.post(reverse("activities:piece_react", args=[piece.pk]), {"emoji": emoji}, **headers)


@pytest.mark.django_db
def test_a_classmate_reacts_changes_and_takes_it_back(client, piece, classmate, other_youth):
    response = _react(client, classmate.user, piece, "heart")
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:showcase") + f"#piece-{piece.pk}"
    assert Reaction.objects.get(piece=piece, participant=classmate).emoji == "heart"
    # Another group's youth sees camp-wide work and reacts too.
    assert _react(client, other_youth, piece, "star").status_code == 302
    assert _react(client, classmate.user, piece, "clap").status_code == 302
    assert dict(Reaction.objects.filter(piece=piece).values_list("participant__user", "emoji")) == {
        classmate.user_id: "clap",
        other_youth.pk: "star",
    }
    # The same emoji again takes it back.
    _react(client, classmate.user, piece, "clap")
    assert not Reaction.objects.filter(piece=piece, participant=classmate).exists()
    assert Reaction.objects.filter(piece=piece).count() == 1


@pytest.mark.django_db
def test_counts_for_all_names_for_moderators_only(client, piece, classmate, other_youth, youth, teacher):
    reactions.reaction_set(by=classmate.user, participant=classmate, piece=piece, emoji="heart")
    reactions.reaction_set(
        by=other_youth, participant=Participant.objects.get(user=other_youth), piece=piece, emoji="heart"
    )
    for viewer in (youth, classmate.user, other_youth):
        client.force_login(viewer)
        page = client.get(reverse("activities:showcase")).content.decode()
        assert '❤️ <span class="count">2</span>' in page
        card = page.split(f'id="piece-{piece.pk}"')[1].split("</li>")[0]
        assert "reaction-names" not in card and classmate.display_name not in card
    client.force_login(teacher)
    page = client.get(reverse("activities:showcase")).content.decode()
    assert "reaction-names" in page and classmate.display_name in page
    assert '❤️ <span class="count">2</span>' in page


@pytest.mark.django_db
def test_the_youth_sees_no_buttons_on_their_own_work(client, piece, youth, classmate):
    client.force_login(youth)
    page = client.get(reverse("activities:showcase")).content.decode()
    assert reverse("activities:piece_react", args=[piece.pk]) not in page
    client.force_login(classmate.user)
    page = client.get(reverse("activities:showcase")).content.decode()
    assert reverse("activities:piece_react", args=[piece.pk]) in page


@pytest.mark.django_db
@pytest.mark.parametrize("emoji", ["", "smile", "💩", "heart " * 5, "THUMBS_UP"])
def test_an_unknown_reaction_is_refused(client, piece, classmate, emoji):
    speak_english(classmate.user)
    response = _react(client, classmate.user, piece, emoji, follow=True)
    assert "Choose one of the reactions shown." in response.content.decode()
    assert not Reaction.objects.exists()


@pytest.mark.django_db
def test_own_unapproved_and_switched_off_pieces_are_refused(
    client, piece, youth, youth_participant, classmate, teacher
):
    speak_english(youth, classmate.user)
    response = _react(client, youth, piece, "heart", follow=True)
    assert "You cannot react to your own work." in response.content.decode()
    waiting = showcase.piece_submit(
        by=youth, participant=youth_participant, title="还在等", file=files.photo()
    )
    # A waiting piece: the classmate does not know it.
    assert _react(client, classmate.user, waiting, "heart").status_code == 404
    with pytest.raises(PermissionDenied):
        reactions.reaction_set(by=classmate.user, participant=classmate, piece=waiting, emoji="heart")
    # The teacher sees it but it is not shown: no reaction, even through the service.
    reactions.piece_reactions_switch(by=teacher, piece=piece, on=False)
    response = _react(client, classmate.user, piece, "heart", follow=True)
    assert "A teacher has turned reactions off for this work." in response.content.decode()
    assert not Reaction.objects.exists()
    assert _react(client, classmate.user, ShowcasePiece(pk=987654), "heart").status_code == 404
    client.force_login(classmate.user)
    assert client.get(reverse("activities:piece_react", args=[piece.pk])).status_code == 405


@pytest.mark.django_db
def test_a_hidden_piece_gets_no_reactions_from_its_moderators_view(
    piece, youth_participant, teacher, classmate
):
    reactions.reaction_set(by=classmate.user, participant=classmate, piece=piece, emoji="star")
    showcase.piece_moderate(by=teacher, piece=piece, action="hide")
    piece.refresh_from_db()
    with pytest.raises(PermissionDenied):
        reactions.reaction_remove(by=classmate.user, participant=classmate, piece=piece)
    assert Reaction.objects.count() == 1


@pytest.mark.django_db
def test_adults_and_strangers_do_not_react(piece, classmate, teacher, coordinator, organizer):
    for adult in (teacher, coordinator, organizer):
        with pytest.raises(PermissionDenied):
            reactions.reaction_set(by=adult, participant=classmate, piece=piece, emoji="heart")
    # A youth acts for themself only.
    other = factories.participant(classmate.group)
    with pytest.raises(PermissionDenied):
        reactions.reaction_set(by=other.user, participant=classmate, piece=piece, emoji="heart")
    assert not Reaction.objects.exists()


@pytest.mark.django_db
def test_the_teacher_turns_reactions_off_and_on(client, piece, classmate, teacher, youth):
    speak_english(teacher)
    reactions.reaction_set(by=classmate.user, participant=classmate, piece=piece, emoji="heart")
    url = reverse("activities:piece_reactions", args=[piece.pk])
    client.force_login(teacher)
    assert client.post(url, {"on": "0"}).status_code == 302
    piece.refresh_from_db()
    assert piece.reactions_on is False
    assert Reaction.objects.count() == 1, "the reactions stay stored"
    client.force_login(classmate.user)
    page = client.get(reverse("activities:showcase")).content.decode()
    assert reverse("activities:piece_react", args=[piece.pk]) not in page and "❤️" not in page
    client.force_login(teacher)
    assert "Turn reactions on" in client.get(reverse("activities:showcase")).content.decode()
    for bad in ({}, {"on": "yes"}, {"on": "2"}):
        response = client.post(url, bad, follow=True)
        assert "Choose: reactions on or off." in response.content.decode()
    piece.refresh_from_db()
    assert piece.reactions_on is False
    client.post(url, {"on": "1"})
    piece.refresh_from_db()
    assert piece.reactions_on is True
    assert client.get(url).status_code == 405
    # The youth sees their own piece but does not moderate it; another camp's teacher does not know it.
    for user, status in ((youth, 403), (factories.user(User.Role.TEACHER), 404)):
        client.force_login(user)
        assert client.post(url, {"on": "0"}).status_code == status
        with pytest.raises(PermissionDenied):
            reactions.piece_reactions_switch(by=user, piece=piece, on=False)
    piece.refresh_from_db()
    assert piece.reactions_on is True
