"""Rows of the access matrix for the privacy app: one youth's data page, export and deletion.

Only the organizers of the youth's camp: the youth's coordinator, teachers and the youth may know
the youth exists (403); another camp's organizer, another group's people and a coordinator nobody
has confirmed may not (404).
"""

from tests import factories
from tests.access.rules import LOGIN, Rule, everyone, table


def build(world) -> None:
    """Two youth of `group`: one to look at and export, one that the organizer's POST deletes."""
    world.privacy_youth = factories.participant(world.group, given_name="Malee", family_name="Chan")
    world.privacy_erased = factories.participant(world.group, given_name="Anong", family_name="Wong")


data_rights = table(
    404,
    anonymous=LOGIN,
    youth=403,
    coordinator=403,
    teacher=403,
    organizer=200,
    other_organizer=404,
    unconfirmed_coordinator=404,
)

RULES = {
    "privacy:youth_data": Rule(data_rights, kwargs=lambda w: {"pk": w.privacy_youth.pk}),
    "privacy:youth_export": Rule(data_rights, kwargs=lambda w: {"pk": w.privacy_youth.pk}),
    "privacy:youth_erase": Rule(data_rights, kwargs=lambda w: {"pk": w.privacy_youth.pk}),
    "privacy:youth_erase@post": Rule(
        {**data_rights, "organizer": 302},
        method="post",
        kwargs=lambda w: {"pk": w.privacy_erased.pk},
        data=lambda w: {"confirm": "on"},
    ),
    # allauth's social pages, with no LINE/WeChat credentials (the default): the provider URLs do
    # not exist (404), youth may open none of allauth's pages (camp.middleware: 403).
    **{
        name: Rule({**everyone(404), "youth": 403, "other_youth": 403})
        for name in ("line_login", "line_callback", "weixin_login", "weixin_callback")
    },
    "socialaccount_connections": Rule(table(200, youth=403, other_youth=403)),
    "socialaccount_signup": Rule(table(302, anonymous=302, youth=403, other_youth=403)),
    "socialaccount_login_cancelled": Rule({**everyone(200), "youth": 403, "other_youth": 403}),
    # allauth answers a failed sign-in with 401 (our page, translated).
    "socialaccount_login_error": Rule({**everyone(401), "youth": 403, "other_youth": 403}),
}
