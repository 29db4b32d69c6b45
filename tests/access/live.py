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
