from types import SimpleNamespace

import pytest

from camp.models import User
from tests import factories
from tests.factories import finished_phase, held_session, span


@pytest.fixture
def other_organizer(make_user):
    """An organizer of another camp."""
    user = make_user(User.Role.ORGANIZER)
    factories.camp(user, federation="另一个侨联", title="另一个营", year=2026, languages=["zh-hans"])
    return user


@pytest.fixture
def delivered(world, make_participant):
    """`group` in a finished phase: 4 sessions held (45 min) + 1 not held; the Thai youth attends
    all four, a Lao youth three (one late), a third youth one."""
    phase = finished_phase(world.camp, world.group, number=7)
    sessions = [held_session(world.group, phase, teacher=world.teacher, day=day) for day in (1, 2, 3, 4)]
    not_held = held_session(world.group, phase, teacher=world.teacher, day=5, state="scheduled")
    lao = make_participant(world.group, given_name="ສຸກສະຫວັນ", family_name="ແກ້ວມະນີ", chinese_name="陈欣怡",
                           preferred_language="lo")
    rare = make_participant(world.group, given_name="Ryan", family_name="Ng", preferred_language="en")
    for s in sessions:
        span(s, world.youth, 0, 45)
    span(sessions[0], lao.user, 0, 45)
    span(sessions[1], lao.user, 15, 45)  # late
    span(sessions[2], lao.user, 0, 20)
    span(sessions[2], lao.user, 19, 44)  # reconnected
    span(sessions[0], rare.user, 0, 40)
    return SimpleNamespace(phase=phase, sessions=sessions, not_held=not_held, thai=world.youth_participant, lao=lao,
                           rare=rare)
