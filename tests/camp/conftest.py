"""Fixtures for the camp app's tests: an open phase and a fresh group applying for it (tests/factories.py)."""

import pytest
from django.utils import timezone, translation

from tests import factories

HEADER = "family_name,given_name,chinese_name,birth_year,gender,preferred_language,chinese_level,guardian_name,guardian_contact,notes"


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def youth_row(number: int, year: int | None = None, chinese: bool = False, **overrides) -> str:
    values = {
        "family_name": f"แซ่ตั้ง{number}", "given_name": f"สมชาย{number}", "chinese_name": f"陈明{number}",
        "birth_year": str(year or timezone.localdate().year - 12), "gender": "m", "preferred_language": "th",
        "chinese_level": "beginner", "guardian_name": "แม่", "guardian_contact": "+66 81 234 5678", "notes": "",
    }
    if chinese:
        values.update({"family_name": f"陈{number}", "given_name": f"美玲{number}", "preferred_language": "zh-hans",
                       "guardian_name": "陈父亲"})
    values.update(overrides)
    return ",".join(values[key] for key in HEADER.split(","))


@pytest.fixture(autouse=True)
def _english():
    """Services speak the active language: assert on the English source strings."""
    with translation.override("en"):
        yield


def speak_english(*users) -> None:
    """Pages speak the signed-in user's language: make it English for assertions on text."""
    for user in users:
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])


@pytest.fixture
def open_phase(camp):
    """Phase 2: enrollment open today, starts in a month, 50 places, ages 8–18."""
    return factories.open_phase(camp, 2, capacity=50)


@pytest.fixture
def new_group(camp, coordinator):
    """A group with no application and nobody on the roster, run by `coordinator`."""
    return factories.group(camp, "中老友谊侨校", institution="Sino-Lao Friendship School", country="LA",
                           time_zone="Asia/Vientiane", languages=["lo", "th", "zh-hans"], chinese_level="beginner",
                           coordinators=[coordinator])


@pytest.fixture
def applying_group(new_group, open_phase, coordinator):
    """`new_group` with a draft application for `open_phase` (ages are checked against it)."""
    factories.enrollment(new_group, open_phase, created_by=coordinator)
    return new_group
