"""Camps and their phases, created and edited by their organizers on the product's pages.

Any organizer may start a camp (they become its organizer); only the camp's organizer and
co-organizers change it or its phases (`camps_for_user`). A phase's dates and enrollment window
are calendar days in the camp's home time zone (`Camp.zone`), the phases of a camp follow one
another without overlapping, and a phase's capacity never goes below the places already taken.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from camp.access import camps_for_user
from camp.errors import DomainError
from camp.models import LANGUAGE_CODES, Camp, Enrollment, Phase, User
from camp.services.enrollment import (
    lock_phase,
    phase_places_taken,
    roster_ages_outside,
    waitlist_offers_refresh,
)


def translated_names(name: str) -> list[str]:
    """`title` → title_zh_hans, title_en, …: the columns modeltranslation keeps per language."""
    return [f"{name}_{code.replace('-', '_')}" for code in LANGUAGE_CODES]


CAMP_FIELDS = frozenset({
    *translated_names("title"), *translated_names("description"),
    "federation", "year", "home_time_zone", "languages", "completion_threshold",
})
PHASE_FIELDS = frozenset({"starts_on", "ends_on", "enrollment_opens", "enrollment_closes", "capacity", "min_age",
                          "max_age"})
YEARS = range(2000, 2101)


def _require_organizer(by: User) -> None:
    if not (by.is_authenticated and by.is_organizer):
        raise PermissionDenied


def _require_camp(by: User, camp: Camp) -> None:
    if not camps_for_user(by).filter(pk=camp.pk).exists():
        raise PermissionDenied


def _check_fields(fields: dict, allowed: frozenset) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _co_organizers(by: User, camp: Camp | None, people) -> list[User]:
    people = list(people)
    main = camp.organizer_id if camp is not None else by.pk
    wrong = [person for person in people if not (person.is_organizer and person.is_active)]
    if wrong:
        raise DomainError({"co_organizers": _("Only organizers can run a camp: %(names)s is not one.")
                           % {"names": ", ".join(person.name for person in wrong)}}, code="not_organizer")
    return [person for person in people if person.pk != main]


def _save_camp(camp: Camp, fields: dict) -> Camp:
    for name, value in fields.items():
        setattr(camp, name, value.strip() if isinstance(value, str) else value)
    errors = {}
    if not (camp.title_zh_hans or "").strip():  # the default language: what every other falls back to
        errors["title_zh_hans"] = _("Give the camp's title in Chinese.")
    if not camp.languages:
        errors["languages"] = _("Choose at least one language the camp offers.")
    if camp.year not in YEARS:
        errors["year"] = _("Give the year the camp takes place, e.g. 2026.")
    if errors:
        raise DomainError(errors, code="invalid")
    same = Camp.objects.filter(title_zh_hans=camp.title_zh_hans, year=camp.year).exclude(pk=camp.pk)
    if camp.title_zh_hans and same.exists():
        raise DomainError({"title_zh_hans": _("There is already a camp with this title in %(year)s.")
                           % {"year": camp.year}}, code="duplicate")
    # The untranslated column holds the default language (what the admin and plain reads show).
    with translation.override(settings.LANGUAGE_CODE):
        camp.full_clean()
        camp.save()
    return camp


@transaction.atomic
def camp_create(*, by: User, co_organizers=(), **fields) -> Camp:
    """Start a camp: `by` is its organizer; `co_organizers` (other organizers) run it with them."""
    _require_organizer(by)
    _check_fields(fields, CAMP_FIELDS)
    partners = _co_organizers(by, None, co_organizers)
    camp = _save_camp(Camp(organizer=by), fields)
    camp.co_organizers.set(partners)
    return camp


@transaction.atomic
def camp_update(*, by: User, camp: Camp, co_organizers=None, **fields) -> Camp:
    """Edit a camp's title, description, year, zone, languages, completion rule and co-organizers."""
    _require_camp(by, camp)
    _check_fields(fields, CAMP_FIELDS)
    camp = Camp.objects.select_for_update().get(pk=camp.pk)
    partners = _co_organizers(by, camp, co_organizers) if co_organizers is not None else None
    camp = _save_camp(camp, fields)
    if partners is not None:
        camp.co_organizers.set(partners)
    return camp


def _phase_rules(phase: Phase) -> None:
    """The camp's rules beyond the model's (run after full_clean: every field is there and ordered)."""
    errors = {}
    if phase.enrollment_closes > phase.ends_on:
        errors["enrollment_closes"] = _("Enrollment closes after the phase's last day.")
    if phase.capacity < 1:
        errors["capacity"] = _("A phase has at least one place.")
    if errors:
        raise DomainError(errors, code="invalid")
    overlapping = (
        Phase.objects.filter(camp_id=phase.camp_id, starts_on__lte=phase.ends_on, ends_on__gte=phase.starts_on)
        .exclude(pk=phase.pk).order_by("starts_on").first()
    )
    if overlapping is not None:
        raise DomainError(
            {"starts_on": _("Phase %(number)s runs from %(start)s to %(end)s: the phases of a camp follow one "
                            "another and do not overlap.")
             % {"number": overlapping.number, "start": overlapping.starts_on, "end": overlapping.ends_on}},
            code="overlap",
        )


@transaction.atomic
def phase_create(*, by: User, camp: Camp, **fields) -> Phase:
    """Add the camp's next phase (numbered after the last one)."""
    _require_camp(by, camp)
    _check_fields(fields, PHASE_FIELDS)
    camp = Camp.objects.select_for_update().get(pk=camp.pk)  # one new number at a time
    number = (camp.phases.aggregate(last=Max("number"))["last"] or 0) + 1
    phase = Phase(camp=camp, number=number, **fields)
    phase.full_clean()
    _phase_rules(phase)
    phase.save()
    return phase


@transaction.atomic
def phase_update(*, by: User, phase: Phase, **fields) -> Phase:
    """Change a phase's dates, window, capacity or ages. Refused: a capacity below the places taken,
    ages that leave out youth of groups applying for it or approved in it. A new capacity walks the
    waitlist again (places offered, or offers withdrawn that no longer fit)."""
    _require_camp(by, phase.camp)
    _check_fields(fields, PHASE_FIELDS)
    Camp.objects.select_for_update().get(pk=phase.camp_id)  # phases of one camp change one at a time
    phase = lock_phase(phase)
    old_capacity = phase.capacity
    for name, value in fields.items():
        setattr(phase, name, value)
    phase.full_clean()
    _phase_rules(phase)
    taken = phase_places_taken(phase)
    if phase.capacity < taken:
        raise DomainError(
            {"capacity": _("%(taken)s places are taken by approved groups: the capacity cannot be lower than "
                           "%(taken)s.") % {"taken": taken}},
            code="capacity_below_taken",
        )
    holding = phase.enrollments.filter(
        status__in=(Enrollment.Status.SUBMITTED, Enrollment.Status.APPROVED, Enrollment.Status.WAITLISTED)
    ).select_related("group")
    outside = sum(roster_ages_outside(enrollment.group, phase) for enrollment in holding)
    if outside:
        raise DomainError(
            {"min_age": _("%(count)s youth of groups applying for or approved in phase %(number)s would be outside "
                          "ages %(min)s–%(max)s.")
             % {"count": outside, "number": phase.number, "min": phase.min_age, "max": phase.max_age}},
            code="ages",
        )
    phase.save()
    if phase.capacity != old_capacity:
        waitlist_offers_refresh(phase=phase)
    return phase
