"""The group report counts the ceremonies' attendance of its own youth on a line of its own; the
class attendance rate keeps its meaning (held classes only)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from live.models import LiveSession
from reports.selectors import group_report
from tests import factories

pytestmark = pytest.mark.django_db


def test_ceremonies_attended_is_its_own_line(
    client, phase, group, youth, other_youth, make_participant, coordinator, make_session
):
    make_participant(group, given_name="Absent")
    lesson = make_session(state=LiveSession.State.ENDED, starts_in=datetime.timedelta(hours=-3))
    factories.span(lesson, youth, 0, 60)
    before = group_report(group).totals["rate"]
    opening = factories.ceremony(
        phase, starts_at=timezone.now() - datetime.timedelta(hours=2), state=LiveSession.State.ENDED
    )
    factories.ceremony(
        phase, kind="closing", starts_at=timezone.now() + datetime.timedelta(hours=2)
    )  # not held
    factories.span(opening, youth, 0, 60)
    factories.span(opening, other_youth, 0, 60)  # another group's youth: not this report's

    report = group_report(group)
    assert report.totals["rate"] == before == 50.0
    assert [(s, summary["present"], summary["roster"]) for s, summary in report.ceremonies] == [
        (opening, 1, 2)
    ]
    assert report.ceremonies_attended["text"] == "1 / 2"
    [summary] = [t for t in report.tables() if t.key == "summary"]
    assert [gettext("Ceremonies attended"), "1 / 2"] in [[str(c) for c in row] for row in summary.rows]

    client.force_login(coordinator)
    page = client.get(reverse("reports:group", args=[group.pk])).content.decode()
    assert 'data-figure="ceremonies"' in page and "1 / 2" in page
