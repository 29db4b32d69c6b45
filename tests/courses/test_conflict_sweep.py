"""The conflict check's sweep finds exactly the overlaps that comparing every pair finds."""

import datetime
import random
from types import SimpleNamespace

from courses.services.conflicts import _interval, _overlaps_by_item

BASE = datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)


def _row(pk, start_minute, minutes):
    return SimpleNamespace(pk=pk, starts_at=BASE + datetime.timedelta(minutes=start_minute), duration_minutes=minutes)


def _pairwise(items, others):
    return {item.pk: [o for o in others if o.pk != item.pk and _interval(item).overlaps(_interval(o))]
            for item in items}


def test_the_sweep_agrees_with_every_pair_on_random_plans():
    rng = random.Random(13)
    for _round in range(200):
        others = [_row(pk, rng.randrange(0, 600, 15), rng.choice([0, 15, 30, 45, 60, 90, 240]))
                  for pk in range(rng.randrange(0, 40))]
        items = [o for o in others if rng.random() < 0.5] + [
            _row(1000 + n, rng.randrange(0, 600, 5), rng.choice([0, 10, 60, 300])) for n in range(3)]
        assert _overlaps_by_item(items, others) == _pairwise(items, others)


def test_touching_classes_do_not_overlap_and_a_long_one_covers_a_short_one_inside_it():
    long, inside, after, touching = _row(1, 0, 240), _row(2, 60, 30), _row(3, 100, 30), _row(4, 240, 60)
    found = _overlaps_by_item([long, inside, after, touching], [long, inside, after, touching])
    assert found == {1: [inside, after], 2: [long], 3: [long], 4: []}
