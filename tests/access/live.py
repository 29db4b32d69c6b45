import datetime

from django.utils import timezone

from tests import factories
from tests.access.rules import Rule, everyone, table  # noqa: F401


def build(world) -> None:
    """A live room of `group`, taught by `teacher`, open now (planned in 5 minutes)."""
    from courses.models import Lesson
    from live.models import LiveSession

    build_blocklist(world)
    world.live_session = factories.live_session(
        plan=factories.plan_of(world.group, world.phase),
        lesson=factories.lesson("剪纸 Paper-cutting", 45, format=Lesson.Format.LIVE),
        starts_at=timezone.now() + datetime.timedelta(minutes=5), teacher=world.teacher, state=LiveSession.State.OPEN,
    )
    # The phase's opening ceremony, open now: one room for `group` and `other_group` (both approved).
    world.ceremony = factories.ceremony(world.phase, kind="opening", starts_at=timezone.now() + datetime.timedelta(
        minutes=5), state=LiveSession.State.OPEN, co_hosts=[world.teacher])


def build_blocklist(world) -> None:
    """Two terms of the camp's own (one for the delete row) next to its starter list."""
    from live.models import BlockedTerm

    world.blocked_term = BlockedTerm.objects.create(camp=world.camp, term="菠萝头", language="zh-hans")
    world.blocked_term_doomed = BlockedTerm.objects.create(camp=world.camp, term="pineapplehead", language="en")


def _session(world) -> dict:
    from live.models import LiveSession

    # Other apps' rows run first on the same world: unpublishing its plan (courses:plan_unpublish)
    # cancels this room, and courses' table republishes it without the service. Open it again.
    LiveSession.objects.filter(pk=world.live_session.pk, state=LiveSession.State.CANCELLED).update(
        state=LiveSession.State.OPEN, cancelled_at=None)
    return {"pk": world.live_session.pk}


def _ceremony(world) -> dict:
    from live.models import LiveSession

    # The cancel row cancels it; the rows after it find it open again.
    LiveSession.objects.filter(pk=world.ceremony.pk).update(state=LiveSession.State.OPEN, cancelled_at=None)
    return {"pk": world.ceremony.pk}


def _ceremony_form(world) -> dict:
    start = timezone.localtime(timezone.now() + datetime.timedelta(hours=1), world.camp.zone)
    return {"title": "闭营仪式", "starts_local": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60",
            "co_hosts": [str(world.teacher.pk)]}


def _recording(world) -> dict:
    """An ended class of `group` with a ready recording (a stand-in file of a few bytes)."""
    from live.models import LiveSession, Recording
    from live.video.recordings import recordings_dir

    held = factories.held_session(world.group, world.phase, teacher=world.teacher, state=LiveSession.State.ENDED)
    recording = Recording.objects.create(session=held, base=f"matrix-{held.pk}", file=f"matrix-{held.pk}.webm",
                                         status=Recording.Status.READY, started_at=held.starts_at)
    (recordings_dir() / recording.file).write_bytes(b"\x1aE\xdf\xa3 webm")
    return {"pk": held.pk, "recording_pk": recording.pk}


RULES: dict[str, Rule] = {
    "live:sessions": Rule(table(200)),
    "live:room": Rule(table(200, other_youth=404, other_coordinator=404), kwargs=_session),
    "live:attendance": Rule(table(200, youth=403, other_youth=404, other_coordinator=404), kwargs=_session),
    "live:state": Rule(table(403, teacher=302, organizer=302, other_youth=404, other_coordinator=404),
                       kwargs=_session, method="post", data=lambda world: {"action": "start"}),
    "live:video_link": Rule(table(403, teacher=302, organizer=302, other_youth=404, other_coordinator=404),
                            kwargs=_session, method="post", data=lambda world: {"meeting_url": "https://meet.example.org/a"}),
    # A class's recording, after it: its group (youth, coordinator), its teacher, the camp's organizers.
    "live:recording": Rule(table(200, other_youth=404, other_coordinator=404, other_teacher=403,
                                 other_organizer=404), kwargs=_recording),
    # Ceremonies: one room for every approved group of the phase (`group` and `other_group` both are),
    # so other_youth and other_coordinator are in; `teacher` co-hosts; a teacher who is no co-host knows the phase (403),
    # another camp's organizer and an unconfirmed coordinator do not (404).
    "live:room@ceremony": Rule(table(200, other_teacher=403, other_organizer=404, unconfirmed_coordinator=404),
                               kwargs=_ceremony),
    "live:attendance@ceremony": Rule(table(200, youth=403, other_youth=403, other_teacher=403, other_organizer=404,
                                           unconfirmed_coordinator=404), kwargs=_ceremony),
    "live:state@ceremony": Rule(table(403, organizer=302, teacher=302, other_organizer=404, unconfirmed_coordinator=404),
                                kwargs=_ceremony, method="post", data=lambda world: {"action": "start"}),
    # Made, moved and cancelled by the camp's organizers only; nobody else learns of the page (404).
    "live:ceremonies": Rule(table(404, organizer=200, other_organizer=404),
                            kwargs=lambda w: {"phase_pk": w.phase.pk}),
    "live:ceremonies@post": Rule(table(404, organizer=302, other_organizer=404),
                                 kwargs=lambda w: {"phase_pk": w.phase.pk}, method="post",
                                 data=lambda w: {"kind": "closing", **_ceremony_form(w)}),
    "live:ceremony_edit": Rule(table(404, organizer=200, other_organizer=404), kwargs=_ceremony),
    "live:ceremony_edit@post": Rule(table(404, organizer=302, other_organizer=404), kwargs=_ceremony,
                                    method="post", data=_ceremony_form),
    "live:ceremony_cancel": Rule(table(404, organizer=302, other_organizer=404), kwargs=_ceremony,
                                 method="post", data=lambda w: {}),
    # The camp's chat filter: its organizers only; nobody else learns the camp's terms (404).
    "live:blocklist_index": Rule(table(403, organizer=302)),
    "live:blocklist": Rule(table(404, organizer=200), kwargs=lambda w: {"pk": w.camp.pk}),
    "live:blocklist_add": Rule(table(404, organizer=302), kwargs=lambda w: {"pk": w.camp.pk}, method="post",
                               data=lambda w: {"term": "coconuthead", "language": "en"}),
    "live:blocklist_try": Rule(table(404, organizer=200), kwargs=lambda w: {"pk": w.camp.pk}, method="post",
                               data=lambda w: {"text": "老师好"}),
    "live:blocklist_edit": Rule(table(404, organizer=200),
                                kwargs=lambda w: {"pk": w.camp.pk, "term_pk": w.blocked_term.pk}),
    "live:blocklist_delete": Rule(table(404, organizer=302), method="post", data=lambda w: {},
                                  kwargs=lambda w: {"pk": w.camp.pk, "term_pk": w.blocked_term_doomed.pk}),
}
