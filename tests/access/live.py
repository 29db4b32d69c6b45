import datetime

from django.utils import timezone

from tests import factories
from tests.access.rules import Rule, everyone, table  # noqa: F401


def build(world) -> None:
    """A live room of `group`, taught by `teacher`, open now (planned in 5 minutes)."""
    from courses.models import Lesson
    from live.models import LiveSession

    world.live_session = factories.live_session(
        plan=factories.plan_of(world.group, world.phase),
        lesson=factories.lesson("剪纸 Paper-cutting", 45, format=Lesson.Format.LIVE),
        starts_at=timezone.now() + datetime.timedelta(minutes=5), teacher=world.teacher, state=LiveSession.State.OPEN,
    )


def _session(world) -> dict:
    return {"pk": world.live_session.pk}


RULES: dict[str, Rule] = {
    "live:sessions": Rule(table(200)),
    "live:room": Rule(table(200, other_youth=404, other_coordinator=404), kwargs=_session),
    "live:attendance": Rule(table(200, youth=403, other_youth=404, other_coordinator=404), kwargs=_session),
    "live:state": Rule(table(403, teacher=302, organizer=302, other_youth=404, other_coordinator=404),
                       kwargs=_session, method="post", data=lambda world: {"action": "start"}),
    "live:video_link": Rule(table(403, teacher=302, organizer=302, other_youth=404, other_coordinator=404),
                            kwargs=_session, method="post", data=lambda world: {"video_url": "https://meet.example.org/a"}),
}
