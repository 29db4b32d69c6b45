"""The guardian's page shows the child's approved work (files behind the guardian's link) and the
teachers' comments on their homework; nothing of another youth, nothing not yet approved."""

import pytest
from django.urls import reverse

from activities.models import ShowcasePiece
from activities.services import showcase
from camp.services.consent import guardian_link_ensure, guardian_link_rotate, guardian_link_token
from tests.activities import files, life


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def made(world, media):
    return life.camp_life(world)


def _home(client, token):
    return client.get(reverse("guardian_home", args=[token]) + "?lang=en")


def _file_urls(token, piece):
    return [
        reverse(f"activities:guardian_piece_{name}", args=[token, piece.pk]) for name in ("file", "thumbnail")
    ]


@pytest.mark.django_db
def test_the_guardian_sees_the_approved_work_and_the_teachers_comments(client, world, made):
    token = guardian_link_token(made.link)
    html = _home(client, token).content.decode()
    assert "Work shown in the camp" in html and life.SHOWN_TITLE in html
    assert life.WAITING_TITLE not in html  # not approved: not shown
    thumbnail = reverse("activities:guardian_piece_thumbnail", args=[token, made.shown.pk])
    assert f'src="{thumbnail}"' in html
    assert "comments on homework" in html
    # Both rounds' comments, the latest (accepted) first, with the lesson and the mark.
    returned, accepted = html.index("横要平"), html.index("这次的“永”字有力")
    assert accepted < returned and "书法 Calligraphy" in html and "Mark: A" in html
    # The child's own login-only file URLs are not on the guardian's page.
    assert reverse("activities:upload_file", args=[made.shown.upload_id]) not in html


@pytest.mark.django_db
def test_the_work_is_served_behind_the_link_without_an_account(client, world, made):
    token = guardian_link_token(made.link)
    file_url, thumb_url = _file_urls(token, made.shown)
    thumb = client.get(thumb_url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content).startswith(b"\xff\xd8\xff")
    assert thumb["Cache-Control"] == "no-store, private" and thumb["Referrer-Policy"] == "same-origin"
    assert thumb["X-Content-Type-Options"] == "nosniff"
    whole = client.get(file_url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == made.shown.upload.file.open("rb").read()


@pytest.mark.django_db
def test_another_guardians_link_a_rotated_link_and_unapproved_work_open_nothing(client, world, made):
    token = guardian_link_token(made.link)
    other_link = guardian_link_ensure(by=world.other_coordinator, participant=world.other_youth.participant)
    other_token = guardian_link_token(other_link)
    for url in _file_urls(other_token, made.shown):  # another child's guardian, this child's piece
        assert client.get(url).status_code == 404
    for url in _file_urls(token, made.waiting):  # waiting for a teacher
        assert client.get(url).status_code == 404
    showcase.piece_moderate(by=world.teacher, piece=made.shown, action="hide")
    for url in _file_urls(token, made.shown):  # hidden again
        assert client.get(url).status_code == 404
    assert life.SHOWN_TITLE not in _home(client, token).content.decode()
    showcase.piece_moderate(by=world.teacher, piece=made.shown, action="approve")
    assert client.get(_file_urls(token, made.shown)[1]).status_code == 200
    guardian_link_rotate(by=world.coordinator, participant=made.participant)
    for url in _file_urls(token, made.shown):  # the old link, once rotated
        assert client.get(url).status_code == 404
    assert client.post(_file_urls(token, made.shown)[0]).status_code == 405
    for junk in ("0", "-1", "99999999999999999999999"):
        assert client.get(f"/guardian/{token}/work/{junk}/").status_code == 404


@pytest.mark.django_db
def test_the_other_youths_work_is_not_on_this_childs_page(client, world, made):
    other = world.other_youth.participant
    piece = showcase.piece_submit(
        by=world.other_youth, participant=other, title="仰光的剪纸", file=files.photo()
    )
    ShowcasePiece.objects.filter(pk=piece.pk).update(state=ShowcasePiece.State.APPROVED)
    html = _home(client, guardian_link_token(made.link)).content.decode()
    assert "仰光的剪纸" not in html and life.SHOWN_TITLE in html
    other_html = _home(
        client, guardian_link_token(guardian_link_ensure(by=world.other_coordinator, participant=other))
    )
    text = other_html.content.decode()
    assert "仰光的剪纸" in text and life.SHOWN_TITLE not in text and "横要平" not in text
    assert "No teacher has commented on your child" in text


@pytest.mark.django_db
def test_the_guardians_page_takes_the_same_queries_for_one_piece_and_many(
    client, world, made, django_assert_max_num_queries
):
    token = guardian_link_token(made.link)
    _home(client, token)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        _home(client, token)
    for number in range(6):
        piece = showcase.piece_submit(
            by=world.youth, participant=made.participant, title=f"作品 {number}", file=files.photo()
        )
        showcase.piece_moderate(by=world.teacher, piece=piece, action="approve")
    with django_assert_max_num_queries(len(one)):
        html = _home(client, token).content.decode()
    assert "作品 5" in html
