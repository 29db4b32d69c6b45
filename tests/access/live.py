import datetime

from django.utils import timezone

from tests.access.rules import Rule, everyone, table  # noqa: F401


def build(world) -> None:
    """A live room of `group`, taught by `teacher`, open now."""
    from courses.models import Lesson, Plan, PlanItem
    from live.models import LiveSession

    lesson = Lesson.objects.create(title="剪纸 Paper-cutting", format=Lesson.Format.LIVE, duration_minutes=45)
    plan, _created = Plan.objects.get_or_create(group=world.group, phase=world.phase,
                                                defaults={"status": Plan.Status.PUBLISHED})
    item = PlanItem.objects.create(plan=plan, lesson=lesson, starts_at=timezone.now() + datetime.timedelta(minutes=5),
                                   duration_minutes=45, teacher=world.teacher)
    world.live_session = LiveSession.objects.create(plan_item=item, state=LiveSession.State.OPEN)


def _session(world) -> dict:
    return {"pk": world.live_session.pk}


RULES: dict[str, Rule] = {
    "live:sessions": Rule(table(200)),
    "live:room": Rule(table(200, other_youth=404, other_coordinator=404), kwargs=_session),
    "live:attendance": Rule(table(200, youth=403, other_youth=404, other_coordinator=404), kwargs=_session),
    "live:state": Rule(table(403, teacher=302, organizer=302, other_youth=404, other_coordinator=404),
                       kwargs=_session, method="post", data=lambda world: {"action": "start"}),
}
