"""Fixtures for the courses app's tests: lessons, phases, groups, templates and plans, built by
tests/factories.py with the defaults these tests share."""

import datetime

import pytest

from tests import factories

UTC = datetime.UTC


@pytest.fixture
def make_lesson(db):
    """A catalog lesson (Chinese and English titles, ages 8–18, no Chinese needed)."""
    return factories.catalog_lesson


@pytest.fixture
def make_phase(camp):
    def make(number, starts_on, days=10):
        return factories.phase(camp, number, starts_on, days=days)

    return make


@pytest.fixture
def make_group(camp, organizer, make_user):
    def make(name, zone, hours, *, phase=None, coordinator=None, **extra):
        extra.setdefault("age_min", 10)
        extra.setdefault("age_max", 14)
        extra.setdefault("chinese_level", "beginner")
        return factories.group(camp, name, country="MM", time_zone=zone, available_hours=hours, approved_in=phase,
                               coordinators=[coordinator] if coordinator is not None else [], **extra)

    return make


@pytest.fixture
def make_template(organizer):
    def make(lessons_by_day, name="7天：茶与中华文化"):
        return factories.template(organizer, lessons_by_day, name)

    return make


@pytest.fixture
def make_plan(db):
    return factories.plan


def at(day: datetime.date, hour: int, minute: int = 0, zone=UTC) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
