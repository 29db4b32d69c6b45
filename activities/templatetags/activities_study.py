"""On the youth's day view and plan page (courses' templates offer the place, "class_actions"): the
"Mark done" button or "Done" of a self-study or recorded class, and the link to its lesson's quiz."""

from django import template
from django.middleware.csrf import get_token

register = template.Library()

_CACHE = "_activities_study_state"


def _state(request):
    """(participant, their plan's item ids, done item ids, lesson ids with a quiz), read once per request."""
    cached = getattr(request, _CACHE, None)
    if cached is not None:
        return cached
    from activities.access import items_for_youth
    from activities.models import ItemDone, Quiz
    from camp.access import participant_for_youth

    user = getattr(request, "user", None)
    participant = participant_for_youth(user) if user is not None and user.is_authenticated else None
    if participant is None:
        state = (None, set(), set(), set())
    else:
        items = items_for_youth(participant)
        state = (
            participant,
            set(items.values_list("pk", flat=True)),
            set(ItemDone.objects.filter(participant=participant).values_list("plan_item_id", flat=True)),
            set(Quiz.objects.filter(lesson__in=items.values("lesson")).values_list("lesson_id", flat=True)),
        )
    setattr(request, _CACHE, state)
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
