import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from activities.access import can_view_piece, showcase_for_user
from activities.models import ShowcasePiece
from activities.services import showcase
from camp.models import User
from tests import factories
from tests.activities import files
from tests.activities.conftest import paper_consent


@pytest.fixture
def classmate(group, make_participant):
    return make_participant(group, given_name="小明", family_name="王").user


@pytest.fixture
def piece(youth, youth_participant, plan_item):
    return showcase.piece_submit(by=youth, participant=youth_participant, title="茶艺", file=files.photo())


@pytest.mark.django_db
def test_nobody_but_the_youth_and_teachers_sees_unapproved_work(
    client, piece, youth, classmate, other_youth, coordinator, teacher, organizer, youth_participant
):
    paper_consent(coordinator, youth_participant, "showcase_group", "showcase_camp")
    for viewer in (youth, teacher, organizer):
        assert can_view_piece(viewer, piece)
    for viewer in (classmate, other_youth, coordinator, factories.user(User.Role.TEACHER)):
        assert not can_view_piece(viewer, piece)
        client.force_login(viewer)
        assert client.get(reverse("activities:upload_file", args=[piece.upload_id])).status_code == 404
        assert "茶艺" not in client.get(reverse("activities:showcase")).content.decode()


@pytest.mark.django_db
def test_approved_work_goes_as_far_as_the_consent(
    piece, teacher, classmate, other_youth, coordinator, youth_participant
):
    showcase.piece_moderate(by=teacher, piece=piece, action="approve")
    piece.refresh_from_db()
    assert not can_view_piece(classmate, piece), "no showcase consent: the group does not see it"
    paper_consent(coordinator, youth_participant, "showcase_group")
    assert can_view_piece(classmate, piece) and can_view_piece(coordinator, piece)
    assert not can_view_piece(other_youth, piece)
    paper_consent(coordinator, youth_participant, "showcase_group", "showcase_camp")
    assert can_view_piece(other_youth, piece)
    assert piece in showcase_for_user(other_youth)
    # Hidden again: back to the youth and the teachers.
    showcase.piece_moderate(by=teacher, piece=piece, action="hide")
    piece.refresh_from_db()
    assert not can_view_piece(classmate, piece) and not can_view_piece(other_youth, piece)


@pytest.mark.django_db
def test_only_the_groups_teachers_moderate(piece, youth, classmate, coordinator):
    for outsider in (
        youth,
        classmate,
        coordinator,
        factories.user(User.Role.TEACHER),
        factories.user(User.Role.ORGANIZER),
    ):
        with pytest.raises(PermissionDenied):
            showcase.piece_moderate(by=outsider, piece=piece, action="approve")
    piece.refresh_from_db()
    assert piece.state == ShowcasePiece.State.PENDING


@pytest.mark.django_db
def test_piece_form_refuses_bad_files_and_stores_nothing(client, youth):
    client.force_login(youth)
    url = reverse("activities:piece_add")
    for data in (
        {"title": "x"},
        {"title": "", "file": files.photo()},
        {"title": "x", "file": files.SimpleUploadedFile("a.jpg", b"%PDF-1.4 nope")},
    ):
        response = client.post(url, data)
        assert response.status_code == 400
    assert not ShowcasePiece.objects.exists()
    from activities.models import Upload

    assert not Upload.objects.exists()


def _approved_pieces(group, teacher, coordinator, make_participant, count):
    for n in range(count):
        participant = make_participant(group, given_name=f"学生{n}")
        piece = showcase.piece_submit(
            by=participant.user, participant=participant, title=f"作品{n}", file=files.photo(size=(40, 40))
        )
        showcase.piece_moderate(by=teacher, piece=piece, action="approve")
        paper_consent(coordinator, participant, "showcase_group")


@pytest.mark.django_db
def test_the_showcase_page_queries_do_not_grow_with_the_pieces(
    client, group, teacher, coordinator, classmate, plan_item, make_participant, django_assert_max_num_queries
):
    client.force_login(classmate)
    _approved_pieces(group, teacher, coordinator, make_participant, 1)
    with django_assert_max_num_queries(22):
        page = client.get(reverse("activities:showcase"))
    assert page.content.decode().count('class="card piece') == 1
    _approved_pieces(group, teacher, coordinator, make_participant, 8)
    with django_assert_max_num_queries(22):
        page = client.get(reverse("activities:showcase"))
    assert page.content.decode().count('class="card piece') == 9
