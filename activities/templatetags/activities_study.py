"""On the youth's day view and plan page (courses' templates offer the place, "class_actions"): the
"Mark done" button or "Done" of a self-study or recorded class, and the link to its lesson's quiz."""

from django import template
from django.middleware.csrf import get_token

register = template.Library()

# Kept on the user object for the request (the same object as request.user): "My camp" has read it
# already for its progress card, so the day view asks nothing more.
_CACHE = "_activities_study_state"


def remember_study_state(user, participant, study: dict) -> None:
    """Keep what activities.services.progress.progress_for read for the buttons of this request."""
    setattr(user, _CACHE, (participant, study["item_ids"], study["done_ids"], study["quiz_lesson_ids"]))


def _state(request):
    """(participant, their plan's item ids, done item ids, lesson ids with a quiz): one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_youth:
        return (None, set(), set(), set())
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    from django.db.models import Exists, OuterRef

    from activities.access import items_for_youth
    from activities.models import ItemDone, Quiz
    from camp.access import participant_for_youth

    participant = participant_for_youth(user)
    state = (None, set(), set(), set())
    if participant is not None:
        rows = (
            items_for_youth(participant)
            .annotate(
                done=Exists(ItemDone.objects.filter(participant=participant, plan_item=OuterRef("pk"))),
                quiz=Exists(Quiz.objects.filter(lesson=OuterRef("lesson"))),
            )
            .values_list("pk", "lesson_id", "done", "quiz")
        )
        rows = list(rows)
        state = (
            participant,
            {pk for pk, _lesson, _done, _quiz in rows},
            {pk for pk, _lesson, done, _quiz in rows if done},
            {lesson for _pk, lesson, _done, quiz in rows if quiz},
        )
    setattr(user, _CACHE, state)
    return state


@register.inclusion_tag("activities/_study_actions.html", takes_context=True)
def study_actions(context, item):
    """`{% study_actions item %}`: nothing for adults and for classes outside the youth's plan."""
    from activities.models import SELF_PACED_FORMATS

    # An inclusion tag's context (courses' day view is one) keeps the request only as an attribute.
    request = getattr(context, "request", None) or context.get("request")
    participant, item_ids, done_ids, quiz_lessons = _state(request) if request is not None else (None,) * 4
    if participant is None or item.pk not in item_ids:
        return {"show": False}
    return {
        "show": True,
        "item": item,
        "self_paced": item.lesson.format in SELF_PACED_FORMATS,
        "done": item.pk in done_ids,
        "has_quiz": item.lesson_id in quiz_lessons,
        "csrf_token": get_token(request),
    }
