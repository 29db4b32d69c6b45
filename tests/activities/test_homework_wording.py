"""Homework "Accepted" has its own context: it reads as passed work, not as an accepted invitation."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from activities.models import HandIn, Submission


def test_an_accepted_hand_in_reads_as_passed_while_an_invitation_stays_accepted():
    with translation.override("zh-hans"):
        assert "已通过" in render_to_string("activities/_state.html", {"state": "accepted"})
        assert str(Submission.State.ACCEPTED.label) == "已通过"
        assert str(HandIn.Outcome.ACCEPTED.label) == "已通过"
        assert gettext("Accepted") == "已接受"
    with translation.override("th"):
        assert "ผ่านแล้ว" in render_to_string("activities/_state.html", {"state": "accepted"})
