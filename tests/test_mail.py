"""The one mail helper (camp.mail): every mail in its recipient's language, links by reverse()."""

import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from camp.mail import Recipient, mail_send, site_url
from camp.models import User
from qiaocamp.registry import LAYERS
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def links(body: str) -> list[str]:
    return re.findall(re.escape(settings.SITE_URL) + r"\S*", body)


def route(link: str):
    """The view a mailed link opens: it must start with SITE_URL and resolve."""
    assert link.startswith(settings.SITE_URL + "/"), link
    return resolve(urlsplit(link).path)


def test_site_url_is_site_url_plus_reverse():
    assert site_url("home") == settings.SITE_URL + "/"
    assert site_url("courses:plan_detail", 7) == settings.SITE_URL + reverse("courses:plan_detail", args=[7])
    assert site_url("join_code", code="ABCD") == settings.SITE_URL + reverse("join_code", kwargs={"code": "ABCD"})


def test_each_recipient_reads_their_own_language_and_the_sender_keeps_theirs():
    people = [Recipient("th@example.org", "th"), Recipient("", "lo"), Recipient("zh@example.org", "zh-hans"),
              Recipient("none@example.org", "")]
    with translation.override("en"):
        sent = mail_send(people, subject=lambda: _("Your QiaoCamp account is confirmed"),
                         template="camp/email/coordinator_confirmed.txt", context={"url": site_url("home")})
        assert translation.get_language() == "en"
    assert sent == 3 and [m.to for m in mail.outbox] == [["th@example.org"], ["zh@example.org"], ["none@example.org"]]
    subjects = [m.subject for m in mail.outbox]
    for message, language in zip(mail.outbox, ["th", "zh-hans", settings.LANGUAGE_CODE], strict=True):
        with translation.override(language):
            assert message.subject == _("Your QiaoCamp account is confirmed")
    assert len(set(subjects[:2])) == 2  # Thai is not Chinese


def test_mail_templates_are_plain_text():
    """Mail bodies are text, not HTML: nothing in them may be HTML-escaped (O'Brien, &)."""
    templates = sorted((ROOT / "templates").glob("*/email/*.txt"))
    assert templates
    for path in templates:
        text = path.read_text()
        assert "{% autoescape off %}" in text and "{% endautoescape %}" in text, path


def test_no_mail_is_sent_around_the_helper():
    """Only camp/mail.py sends mail: every other module goes through mail_send."""
    offenders = []
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            if path == ROOT / "camp" / "mail.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("django.core.mail"):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names if alias.name.startswith("django.core.mail")]
                if any(name in {"send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives",
                                "django.core.mail"} for name in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


@pytest.mark.django_db
def test_a_thai_coordinator_gets_the_plan_change_in_thai_with_a_link_to_the_plan(group, coordinator, organizer, phase):
    from courses.models import Plan, PlanChange
    from courses.services.plans import plan_change_notify

    assert coordinator.preferred_language == "th" and group.coordinators.filter(pk=coordinator.pk).exists()
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    change = PlanChange.objects.create(plan=plan, changed_by=organizer, summary="书法 moved to 10:30")
    with translation.override("zh-hans"):  # whoever changed the plan reads Chinese
        assert plan_change_notify(change_id=change.pk) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    with translation.override("th"):
        assert message.subject == _("[QiaoCamp] The plan of %(group)s changed") % {"group": group.name}
        assert _("See the whole plan:") in message.body
    assert "แผนการเรียน" in message.subject and "ดูแผนทั้งหมด" in message.body
    assert coordinator.name in message.body and "书法 moved to 10:30" in message.body
    [link] = links(message.body)
    match = route(link)
    assert (match.view_name, match.kwargs) == ("courses:plan_detail", {"pk": plan.pk})
    assert link == settings.SITE_URL + reverse("courses:plan_detail", args=[plan.pk])


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_coordinator_reads_it_in_their_language_not_the_organizers(organizer, make_user):
    from camp.services.accounts import coordinator_confirm

    waiting = make_user(User.Role.COORDINATOR, preferred_language="th", is_confirmed=False)
    with translation.override("zh-hans"):
        coordinator_confirm(organizer=organizer, user=waiting)
    [message] = mail.outbox
    assert message.to == [waiting.email]
    assert message.subject == "บัญชี QiaoCamp ของคุณได้รับการยืนยันแล้ว"
    [link] = links(message.body)
    assert route(link).view_name == "home"
    assert link in message.body.split() and "%(url)s" not in message.body


@pytest.mark.django_db(transaction=True)
def test_an_invitation_links_to_its_accept_page_and_escapes_nothing(make_user):
    from camp.services.accounts import invitation_create

    organizer = make_user(User.Role.ORGANIZER, preferred_language="en", display_name="Anne O'Brien & Co")
    with translation.override("th"):
        invitation = invitation_create(invited_by=organizer, email="new.teacher@example.org",
                                       role=User.Role.TEACHER, display_name="Li")
    [message] = mail.outbox
    assert message.to == ["new.teacher@example.org"]
    # Nobody knows the invitee's language yet: the inviting organizer's, never the page's.
    assert message.subject == "You are invited to QiaoCamp"
    assert "Anne O'Brien & Co invites you to QiaoCamp as Teacher." in message.body
    [link] = links(message.body)
    match = route(link)
    assert (match.view_name, match.kwargs) == ("invitation_accept", {"token": invitation.token})
