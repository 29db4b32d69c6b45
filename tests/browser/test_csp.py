"""Every role's main pages under the real Content-Security-Policy (daphne, the product's ASGI
stack): no violation is reported, the live room's socket connects, the print button and the
plan builder's htmx work without inline script."""

import os

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)

# The browser reports a violation in the console ("Refused to … because it violates the following
# Content Security Policy directive") and as a securitypolicyviolation event; both are collected.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


def pages_of(world, session, plan) -> dict:
    group = world.group.pk
    return {
        None: [reverse("account_login"), reverse("join"), reverse("reports:verify_form"),
               reverse("reports:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"])],
        "youth": [reverse("home"), reverse("my_camp"), reverse("live:sessions"), reverse("live:room", args=[session.pk])],
        "coordinator": [reverse("home"), reverse("group_detail", args=[group]), reverse("roster", args=[group]),
                        reverse("login_cards", args=[group]), reverse("reports:group_certificates", args=[group]),
                        reverse("reports:group", args=[group])],
        "teacher": [reverse("home"), reverse("courses:teacher_schedule"), reverse("courses:lesson_list"),
                    reverse("courses:plan_detail", args=[plan.pk]), reverse("courses:plan_print", args=[plan.pk]),
                    reverse("live:room", args=[session.pk]), reverse("reports:index")],
        "organizer": [reverse("home"), reverse("people"), reverse("camp_list"), reverse("group_list"),
                      reverse("courses:plan_builder", args=[plan.pk]), reverse("reports:camp", args=[world.camp.pk]),
                      reverse("live:blocklist_index"), reverse("live:room", args=[session.pk])],
    }


def test_main_pages_of_every_role_pass_the_csp(new_page, world, live_session):
    plan = live_session.plan_item.plan
    factories.finished_phase(world.camp, world.group, number=5)
    users = {"youth": world.youth, "coordinator": world.coordinator, "teacher": world.teacher,
             "organizer": world.organizer}
    problems = []
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        for role, urls in pages_of(world, live_session, plan).items():
            page = new_page(viewport={"width": 390, "height": 844} if role == "youth" else None)
            if role:
                page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": f"http://{host}",
                                           "value": session_cookie_value(users[role])}])
            page.add_init_script(WATCH)
            console = []
            page.on("console", lambda message, sink=console: sink.append(message.text)
                    if "Content Security Policy" in message.text or "Refused to" in message.text else None)
            for url in urls:
                response = page.goto(f"http://{host}{url}")
                assert response.status < 500, (role, url, response.status)
                assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
                if "/live/" in url and url.rstrip("/").split("/")[-1].isdigit():
                    # The socket connects under connect-src.
                    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
                if "/print/" in url:
                    expect(page.locator("[data-print]")).to_be_visible()  # shown by static js
                if "/build/" in url:
                    page.wait_for_load_state("networkidle")
                page.wait_for_timeout(150)
                problems += [f"{role} {url}: {text}" for text in page.evaluate("window.__csp")]
                problems += [f"{role} {url}: {text}" for text in console]
                console.clear()
    assert not problems, "\n".join(problems)
