"""Reports read a fixed number of queries, whatever the number of groups, youth and sessions."""

import itertools

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import held_session, span

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def grow(world, make_participant, *, groups: int, youth: int, sessions: int) -> None:
    """`groups` more groups in the running phase, each with youth and held sessions with spans;
    `group` gets `youth` more youth and `sessions` more sessions."""
    from camp.models import Phase

    phase = Phase.objects.get(pk=world.phase.pk)
    for _ in range(groups):
        group = factories.group(world.camp, f"Group {next(_numbers)}", institution="x", country="LA",
                                time_zone="Asia/Vientiane", coordinators=[world.coordinator], approved_in=phase)
        members = [make_participant(group) for _ in range(youth)]
        for day in range(1, sessions + 1):
            session = held_session(group, phase, teacher=world.teacher, day=day)
            for member in members:
                span(session, member.user, 0, 45)
    members = [make_participant(world.group) for _ in range(youth)]
    for day in range(1, sessions + 1):
        session = held_session(world.group, phase, teacher=world.teacher, day=day)
        for member in members[::2]:
            span(session, member.user, 5, 30)
            span(session, member.user, 29, 45)


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name, who, arg", [
    ("reports:camp", "organizer", "camp"),
    ("reports:group", "coordinator", "group"),
    ("reports:group_certificates", "coordinator", "group"),
])
def test_pages_do_not_grow_with_rows(client, world, make_participant, django_assert_max_num_queries, name, who,
                                     arg):
    client.force_login(getattr(world, who))
    url = reverse(name, args=[getattr(world, arg).pk])
    grow(world, make_participant, groups=1, youth=2, sessions=1)
    small = count_queries(client, url, django_assert_max_num_queries, 30)
    grow(world, make_participant, groups=3, youth=4, sessions=3)
    large = count_queries(client, url, django_assert_max_num_queries, small)
    assert large == small


@pytest.mark.parametrize("name, who, arg", [("reports:camp_export", "organizer", "camp"),
                                            ("reports:group_export", "coordinator", "group")])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_do_not_grow_with_rows(client, world, make_participant, django_assert_max_num_queries, name, who,
                                       arg, fmt):
    client.force_login(getattr(world, who))
    url = reverse(name, args=[getattr(world, arg).pk, fmt])
    grow(world, make_participant, groups=1, youth=2, sessions=1)
    small = count_queries(client, url, django_assert_max_num_queries, 30)
    grow(world, make_participant, groups=3, youth=4, sessions=3)
    count_queries(client, url, django_assert_max_num_queries, small)
