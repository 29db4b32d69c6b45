"""Access rules for the camp app's group, roster, enrollment and join pages."""


from tests import factories
from tests.access.rules import LOGIN, Rule, everyone, table

DAY = factories.DAY


def build(world) -> None:
    """A second phase with a draft application, a roster row with an account, a pending roster file."""
    from django.utils import timezone

    from camp.services.join import youth_accounts_issue
    from camp.services.roster import participant_create, roster_import_preview

    today = timezone.localdate()
    world.phase2 = factories.open_phase(world.camp, 2, capacity=100)
    world.draft_enrollment = factories.enrollment(world.group, world.phase2, created_by=world.coordinator)
    world.roster_participant = participant_create(
        by=world.coordinator, group=world.group, family_name="Lim", given_name="Mali", birth_year=today.year - 11,
        guardian_name="Lim Somchai", guardian_contact="+66 81 000 0000",
    )
    world.roster_participant.consent_given = True
    world.roster_participant.consent_at = timezone.now()
    world.roster_participant.save()
    youth_accounts_issue(group=world.group)
    # Places offered to the group (accept, decline) and a waitlisted application an organizer may
    # move to a phase with room (camp pages: tests/camp/test_camps.py, offers: tests/camp/test_offers.py).
    world.offer_accept = factories.offered_enrollment(world.group, factories.phase(world.camp, 3, today + 60 * DAY))
    world.offer_decline = factories.offered_enrollment(world.group, factories.phase(world.camp, 4, today + 80 * DAY))
    world.waitlisted = factories.enrollment(world.group, factories.phase(world.camp, 5, today + 100 * DAY),
                                            status="waitlisted", submitted_at=timezone.now())
    world.phase_with_room = factories.phase(world.camp, 6, today + 120 * DAY, capacity=100)
    # A coordinator on `group` (camp 1) nobody has confirmed: only camp 1's organizers confirm them.
    from camp.models import User

    world.pending_group_coordinator = factories.user(User.Role.COORDINATOR, email_address=False, is_confirmed=False)
    world.group.coordinators.add(world.pending_group_coordinator)
    # Guardian links (issue #17): a youth's active link, a rotated (old) one, a garbage token.
    from camp.services.consent import guardian_link_ensure, guardian_link_rotate, guardian_link_token

    world.guardian_child = factories.participant(world.group, with_account=False, consent=False)
    old = guardian_link_ensure(by=world.coordinator, participant=world.guardian_child)
    world.rotated_guardian_token = guardian_link_token(old)
    world.guardian_token = guardian_link_token(guardian_link_rotate(by=world.coordinator,
                                                                    participant=world.guardian_child))
    world.roster_import = roster_import_preview(
        by=world.coordinator, group=world.group, file_name="roster.csv",
        data=b"family_name,given_name,birth_year,guardian_name,guardian_contact\nTan,Ann,20x3,Mum,+66 1\n",
    )


def _group(w):
    return {"pk": w.group.pk}


def _participant(w):
    return {"pk": w.group.pk, "participant_pk": w.roster_participant.pk}


def _guardian(w):
    return {"token": w.guardian_token}


def _all_agreed(w):
    from camp.models import ConsentItem
    from camp.services.consent import consent_version_current

    return {"version": str(consent_version_current().number)} | {f"item_{item}": "yes" for item in ConsentItem.values}


# The group's own coordinator and the camp's organizers manage it; its youth and teachers may know
# the group exists but not manage it (403); the other group's people must not learn it exists (404).
MANAGE = table(403, coordinator=200, organizer=200, other_coordinator=404, other_youth=404)
MANAGE_POST = table(403, coordinator=302, organizer=302, other_coordinator=404, other_youth=404)

# Camps and phases: the camp's organizers only; every other persona is no organizer (403).
ORGANIZER_PAGE = table(403, organizer=200)

RULES = {
    # Reach across camps: an organizer of another camp may not confirm camp 1's coordinator (404).
    "coordinator_confirm@camp_group": Rule(
        table(403, organizer=302, other_organizer=404, unconfirmed_coordinator=403), method="post",
        kwargs=lambda w: {"pk": w.pending_group_coordinator.pk},
    ),
    "camp_list": Rule(ORGANIZER_PAGE),
    "camp_create": Rule(ORGANIZER_PAGE),
    "camp_edit": Rule(ORGANIZER_PAGE, kwargs=lambda w: {"pk": w.camp.pk}),
    "phase_create": Rule(ORGANIZER_PAGE, kwargs=lambda w: {"pk": w.camp.pk}),
    "phase_edit": Rule(ORGANIZER_PAGE, kwargs=lambda w: {"pk": w.phase.pk}),
    "enrollment_offer_accept": Rule(MANAGE_POST, kwargs=lambda w: {"pk": w.offer_accept.pk}, method="post",
                                    data=lambda w: {}),
    "enrollment_offer_decline": Rule(MANAGE_POST, kwargs=lambda w: {"pk": w.offer_decline.pk}, method="post",
                                     data=lambda w: {}),
    "enrollment_offer_phase": Rule(
        table(403, organizer=302, other_coordinator=404, other_youth=404),
        kwargs=lambda w: {"pk": w.waitlisted.pk}, method="post", data=lambda w: {"phase": w.phase_with_room.pk},
    ),
    "group_list": Rule(table(403, coordinator=200, other_coordinator=200, organizer=200)),
    "group_create": Rule(table(403, coordinator=200, other_coordinator=200)),
    "group_detail": Rule(MANAGE, kwargs=_group),
    "group_edit": Rule(MANAGE, kwargs=_group),
    "enrollment_apply": Rule(MANAGE_POST, kwargs=_group, method="post",
                             data=lambda w: {"phase": w.phase2.pk, "action": "draft"}),
    "enrollment_submit": Rule(MANAGE_POST, kwargs=lambda w: {"pk": w.draft_enrollment.pk}, method="post", data=lambda w: {}),
    "enrollment_withdraw": Rule(MANAGE_POST, kwargs=lambda w: {"pk": w.draft_enrollment.pk}, method="post",
                                data=lambda w: {}),
    "enrollment_review": Rule(table(403, organizer=200)),
    "enrollment_decide": Rule(
        table(403, organizer=302, other_coordinator=404, other_youth=404),
        kwargs=lambda w: {"pk": w.draft_enrollment.pk}, method="post",
        data=lambda w: {"decision": "rejected", "reason": "full"},
    ),
    "roster": Rule(MANAGE, kwargs=_group),
    "participant_create": Rule(MANAGE, kwargs=_group),
    "participant_edit": Rule(MANAGE, kwargs=_participant),
    "participant_delete": Rule(MANAGE, kwargs=_participant),
    "participant_consent": Rule(MANAGE, kwargs=_participant),
    "join_code_reissue": Rule(MANAGE_POST, kwargs=_participant, method="post", data=lambda w: {}),
    "join_code_revoke": Rule(MANAGE_POST, kwargs=_participant, method="post", data=lambda w: {}),
    "roster_consent_bulk": Rule(MANAGE, kwargs=_group),
    "roster_template": Rule(MANAGE, kwargs=_group),
    "roster_import": Rule(MANAGE, kwargs=_group),
    "roster_import_preview": Rule(MANAGE, kwargs=lambda w: {"pk": w.group.pk, "import_pk": w.roster_import.pk}),
    "roster_import_confirm": Rule(MANAGE_POST, kwargs=lambda w: {"pk": w.group.pk, "import_pk": w.roster_import.pk},
                                  method="post", data=lambda w: {}),
    "login_cards": Rule(MANAGE, kwargs=_group),
    # The coordinator's side of guardian links: the group's managers only.
    "guardian_link_page": Rule(MANAGE | {"other_organizer": 404, "unconfirmed_coordinator": 404}, kwargs=_participant),
    "guardian_link_send": Rule(MANAGE_POST | {"other_organizer": 404, "unconfirmed_coordinator": 404},
                               kwargs=_participant, method="post", data=lambda w: {}),
    "guardian_link_rotate": Rule(MANAGE_POST | {"other_organizer": 404, "unconfirmed_coordinator": 404},
                                 kwargs=_participant, method="post", data=lambda w: {}),
    "guardian_messages": Rule(MANAGE | {"other_organizer": 404, "unconfirmed_coordinator": 404}, kwargs=_group),
    # The guardian's pages: the token is the key, whoever holds it (signed in or not, any role);
    # a rotated (old) link and a garbage token open nothing, for anybody.
    "guardian_home": Rule(everyone(200), kwargs=_guardian),
    "guardian_home@rotated": Rule(everyone(404), kwargs=lambda w: {"token": w.rotated_guardian_token}),
    "guardian_home@garbage": Rule(everyone(404), kwargs=lambda w: {"token": "not-a-guardian-link-at-all-0000"}),
    "guardian_consent": Rule(everyone(200), kwargs=_guardian),
    "guardian_consent@post": Rule(everyone(302), kwargs=_guardian, method="post", data=_all_agreed),
    "guardian_consent@rotated": Rule(everyone(404), kwargs=lambda w: {"token": w.rotated_guardian_token}),
    "guardian_withdraw": Rule(everyone(200), kwargs=_guardian),
    "guardian_withdraw@post": Rule(everyone(302), kwargs=_guardian, method="post", data=lambda w: {}),
    "guardian_withdraw@garbage": Rule(everyone(404), kwargs=lambda w: {"token": "0" * 39 + "g"}),
    "guardian_ask": Rule(everyone(200), kwargs=_guardian),
    "guardian_ask@garbage": Rule(everyone(404), kwargs=lambda w: {"token": "x" * 40}),
    # Youth log in here: open to everybody; GET never logs anybody in.
    "join": Rule(everyone(200)),
    "join_code": Rule(everyone(200), kwargs=lambda w: {"code": "ABCD-EFGH-JK"}),
    "my_camp": Rule(table(403, anonymous=LOGIN, youth=200, other_youth=200)),
}
