from tests import factories
from tests.access.rules import LOGIN, Rule, everyone, table


def build(world) -> None:
    """A finished phase for `group`: one held session taught by `teacher`, attended by `youth`,
    and the youth's completion and outstanding certificates."""
    from reports import services

    world.past_phase = factories.finished_phase(world.camp, world.group, number=9)
    world.report_session = factories.held_session(world.group, world.past_phase, teacher=world.teacher, day=1)
    factories.span(world.report_session, world.youth, 0, 45)
    services.nomination_set(participant=world.youth_participant, phase=world.past_phase, citation="书法进步很快",
                            by=world.teacher)
    issued = services.certificates_issue(group=world.group, phase=world.past_phase, by=world.organizer)
    world.certificate = next(c for c in issued if c.kind == "completion")
    world.outstanding_certificate = next(c for c in issued if c.kind == "outstanding")


# Another camp's organizer sees none of this camp's reports (nor its youth's camp life).
group_readers = table(404, coordinator=200, teacher=200, organizer=200, other_organizer=404)
organizer_only = table(404, organizer=200, other_organizer=404)
year_organizers = table(404, organizer=200)  # another camp's organizer sees their own camps of the year

RULES = {
    "reports:index": Rule(table(200, youth=403, other_youth=403)),
    "reports:camp": Rule(organizer_only, kwargs=lambda w: {"pk": w.camp.pk}),
    "reports:camp_export": Rule(organizer_only, kwargs=lambda w: {"pk": w.camp.pk, "fmt": "xlsx"}),
    "reports:year": Rule(year_organizers, kwargs=lambda w: {"year": w.camp.year}),
    "reports:year_export": Rule(year_organizers, kwargs=lambda w: {"year": w.camp.year, "fmt": "csv"}),
    "reports:group": Rule(group_readers, kwargs=lambda w: {"pk": w.group.pk}),
    "reports:group_export": Rule(group_readers, kwargs=lambda w: {"pk": w.group.pk, "fmt": "xlsx"}),
    "reports:session_attendance": Rule(group_readers, kwargs=lambda w: {"pk": w.report_session.pk}),
    "reports:group_certificates": Rule(group_readers, kwargs=lambda w: {"pk": w.group.pk}),
    # Self-study and quizzes: the group report's readers; a teacher who teaches none of its classes
    # 403, an unconfirmed coordinator 404; ?phase= must be one of the group's approved phases (else 404).
    "reports:group_study": Rule(
        {**group_readers, "other_teacher": 403, "unconfirmed_coordinator": 404}, kwargs=lambda w: {"pk": w.group.pk}
    ),
    "reports:group_study@garbage_phase": Rule(
        {**group_readers, "coordinator": 404, "teacher": 404, "organizer": 404, "other_teacher": 403},
        kwargs=lambda w: {"pk": w.group.pk}, query="?phase=x%00",
    ),
    "reports:group_certificates_zip": Rule(
        table(404, coordinator=200, teacher=403, organizer=200), kwargs=lambda w: {"pk": w.group.pk}
    ),
    "reports:certificates_issue": Rule(
        table(404, anonymous=LOGIN, coordinator=403, teacher=403, organizer=302), method="post",
        kwargs=lambda w: {"pk": w.group.pk, "phase_pk": w.past_phase.pk}, data=lambda w: {},
    ),
    "reports:nominate": Rule(
        table(404, anonymous=LOGIN, coordinator=403, teacher=302, organizer=302), method="post",
        kwargs=lambda w: {"pk": w.group.pk, "phase_pk": w.past_phase.pk},
        data=lambda w: {"participant": w.youth_participant.pk, "citation": "剪纸作品优秀"},
    ),
    # The youth's own certificate: the youth, their coordinator, the camp's organizer.
    "reports:certificate_pdf": Rule(
        table(404, youth=200, coordinator=200, organizer=200), kwargs=lambda w: {"code": w.certificate.code}
    ),
    "reports:certificate_revoke": Rule(
        table(404, anonymous=LOGIN, youth=403, coordinator=403, organizer=302), method="post",
        kwargs=lambda w: {"code": w.outstanding_certificate.code}, data=lambda w: {"reason": "wrong name", "confirm": "yes"},
    ),
    "reports:certificate_reissue": Rule(
        table(404, anonymous=LOGIN, youth=403, coordinator=403, organizer=302), method="post",
        kwargs=lambda w: {"code": w.outstanding_certificate.code}, data=lambda w: {"reason": "name corrected", "confirm": "yes"},
    ),
    # Public by design: it shows only what confirms the certificate.
    "reports:verify": Rule(everyone(200), kwargs=lambda w: {"code": w.certificate.code}),
    "reports:verify_form": Rule(everyone(200)),
}
