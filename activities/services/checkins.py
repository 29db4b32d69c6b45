"""Daily check-in (打卡): the day's question per group or phase, the youth's answer once per day in
the group's local day, streaks."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from activities.access import require_moderator, require_youth
from activities.models import CheckIn, CheckInPrompt, Upload
from activities.services.uploads import local_day, upload_discard, upload_store
from camp.access import camps_for_user
from camp.errors import DomainError
from camp.models import Enrollment, Group, Participant, Phase
from notifications.services import notify_on_commit


def group_phase_on(group: Group, day: datetime.date) -> Phase | None:
    """The phase the group takes part in on that day (an approved enrollment)."""
    return Phase.objects.filter(
        enrollments__group=group,
        enrollments__status=Enrollment.Status.APPROVED,
        starts_on__lte=day,
        ends_on__gte=day,
    ).first()


def prompt_for(group: Group, day: datetime.date) -> CheckInPrompt | None:
    """The group's own question of the day, else its phase's."""
    own = CheckInPrompt.objects.filter(group=group, day=day).first()
    if own:
        return own
    return CheckInPrompt.objects.filter(
        group__isnull=True,
        day=day,
        phase__enrollments__group=group,
        phase__enrollments__status=Enrollment.Status.APPROVED,
    ).first()


@transaction.atomic
def checkin_prompt_set(
    *, by, group: Group, day: datetime.date, text: str, whole_phase: bool = False
) -> CheckInPrompt:
    """Set (or change) the question of one day for the group, or for every group of its phase."""
    require_moderator(by, group)
    if whole_phase and not camps_for_user(by).filter(pk=group.camp_id).exists():
        # A teacher's question reaches the groups they teach, not every group of the phase.
        raise DomainError(
            {"whole_phase": _("Only the camp's organizers set a question for the whole phase.")},
            code="whole_phase",
        )
    text = " ".join((text or "").split())
    if not text:
        raise DomainError({"text": _("Write the question of the day.")}, code="required")
    phase = group_phase_on(group, day) if day else None
    if phase is None:
        raise DomainError({"day": _("The group has no camp on that day.")}, code="no_phase")
    prompt = CheckInPrompt.objects.filter(phase=phase, group=None if whole_phase else group, day=day).first()
    prompt = prompt or CheckInPrompt(
        phase=phase, group=None if whole_phase else group, day=day, created_by=by
    )
    prompt.text = text
    prompt.full_clean()
    prompt.save()
    _tell_youth_today(prompt, group)
    return prompt


def _prompt_key(group_id: int, day: datetime.date) -> str:
    return f"checkin_prompt:{group_id}:{day.isoformat()}"


def _tell_youth_today(prompt: CheckInPrompt, group: Group) -> None:
    """A question set for today reaches the youth's bell at once (once per group and day); one set for
    a later day goes out on that day (`checkin_prompts_due`, the per-minute command), with the same key."""
    from django.urls import reverse
    from django.utils import timezone

    groups = (
        [group]
        if prompt.group_id
        else list(
            Group.objects.filter(
                enrollments__phase=prompt.phase, enrollments__status=Enrollment.Status.APPROVED
            )
        )
    )
    for target in groups:
        if timezone.localdate(timezone=target.zone) != prompt.day:
            continue
        if prompt.group_id is None and CheckInPrompt.objects.filter(group=target, day=prompt.day).exists():
            continue  # the group's own question wins
        youth = [p.user for p in target.participants.select_related("user") if p.user_id]
        notify_on_commit(
            youth,
            "checkin_prompt",
            url=reverse("activities:checkin"),
            params={"prompt": prompt.text},
            key=_prompt_key(target.pk, prompt.day),
        )


def checkin_prompts_due(*, now: datetime.datetime) -> int:
    """The question of the day reaches the bell of every youth of the group on its day — the group's
    local day, from its midnight — once (the key is the group's and the day's, shared with
    `_tell_youth_today`, so a question set for today and then found by the per-minute run is not told
    twice). The text is rendered when read, in the youth's language. Returns how many were stored.
    Five queries when nothing is due, whatever the number of groups."""
    from django.urls import reverse

    from camp.models import User
    from notifications.models import Notification
    from notifications.services import notify

    utc_day = now.astimezone(datetime.UTC).date()
    # Every zone's date is within a day of UTC's.
    days = [utc_day + datetime.timedelta(days=offset) for offset in (-1, 0, 1)]
    own, phase_prompts = {}, {}
    for prompt in CheckInPrompt.objects.filter(day__in=days).select_related("group"):
        if prompt.group_id:
            own[(prompt.group_id, prompt.day)] = prompt
        else:
            phase_prompts.setdefault(prompt.phase_id, {})[prompt.day] = prompt
    groups = {prompt.group_id: prompt.group for prompt in own.values()}
    phases_of: dict[int, set[int]] = {}
    if phase_prompts:
        for enrollment in Enrollment.objects.filter(
            phase__in=phase_prompts, status=Enrollment.Status.APPROVED
        ).select_related("group"):
            groups.setdefault(enrollment.group_id, enrollment.group)
            phases_of.setdefault(enrollment.group_id, set()).add(enrollment.phase_id)
    due = {}
    for group_id, group in groups.items():
        today = now.astimezone(group.zone).date()
        prompt = own.get((group_id, today)) or next(
            (
                phase_prompts[phase_id][today]
                for phase_id in sorted(phases_of.get(group_id, ()))
                if today in phase_prompts[phase_id]
            ),
            None,
        )
        if prompt is not None:
            due[group_id] = (today, prompt)
    if not due:
        return 0
    youth: dict[int, set[int]] = {}
    for group_id, user_id in Participant.objects.filter(
        group__in=due, user__isnull=False, user__is_active=True
    ).values_list("group_id", "user_id"):
        youth.setdefault(group_id, set()).add(user_id)
    keys = {_prompt_key(group_id, today): group_id for group_id, (today, _prompt) in due.items()}
    told: dict[str, set[int]] = {}
    for key, recipient_id in Notification.objects.filter(key__in=keys).values_list("key", "recipient_id"):
        told.setdefault(key, set()).add(recipient_id)
    stored = 0
    url = reverse("activities:checkin")
    for key, group_id in keys.items():
        missing = youth.get(group_id, set()) - told.get(key, set())
        if missing:
            prompt = due[group_id][1]
            stored += len(
                notify(
                    User.objects.filter(pk__in=missing),
                    "checkin_prompt",
                    url=url,
                    params={"prompt": prompt.text},
                    key=key,
                )
            )
    return stored


@transaction.atomic
def checkin_submit(*, by, participant: Participant, text: str, photo=None) -> CheckIn:
    """The youth's answer of today (the group's day); a second one the same day is refused."""
    require_youth(by, participant)
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": _("Write a few words for today's check-in.")}, code="required")
    day = local_day(participant)
    if CheckIn.objects.filter(participant=participant, day=day).exists():
        raise DomainError(_("You have already checked in today. Come back tomorrow!"), code="already")
    checkin = CheckIn(participant=participant, day=day, prompt=prompt_for(participant.group, day), text=text)
    checkin.full_clean(exclude=["photo"])
    upload = upload_store(participant=participant, file=photo, kinds=(Upload.Kind.PHOTO,)) if photo else None
    try:
        checkin.photo = upload
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        upload_discard(upload)
        raise DomainError(
            _("You have already checked in today. Come back tomorrow!"), code="already"
        ) from None
    except Exception:
        upload_discard(upload)
        raise
    return checkin


def streak(days: set[datetime.date], today: datetime.date) -> int:
    """Days in a row with a check-in, up to today (or up to yesterday while today is still open)."""
    day = today if today in days else today - datetime.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= datetime.timedelta(days=1)
    return count


def participant_streak(participant: Participant) -> int:
    days = set(CheckIn.objects.filter(participant=participant).values_list("day", flat=True))
    return streak(days, local_day(participant))


def group_checkins_today(group: Group) -> tuple[datetime.date, list[dict]]:
    """The group's day and, per youth on its roster: checked in today or not, and the streak.
    Those who have not checked in come first."""
    from django.utils import timezone

    today = timezone.localdate(timezone=group.zone)
    days: dict[int, set] = {}
    for participant_id, day in CheckIn.objects.filter(participant__group=group).values_list(
        "participant", "day"
    ):
        days.setdefault(participant_id, set()).add(day)
    rows = [
        {
            "participant": p,
            "done": today in days.get(p.pk, set()),
            "streak": streak(days.get(p.pk, set()), today),
        }
        for p in group.participants.all()
    ]
    rows.sort(key=lambda row: row["done"])
    return today, rows
