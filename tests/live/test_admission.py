"""The handshake queue's retry_after (live/admission.py): measured pace, spread, bounds."""

from live.admission import MIN_SAMPLES, WINDOW, Admission


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _finish(admission, clock, count, over):
    """`count` handshakes finish evenly over `over` seconds, ending now."""
    for _ in range(count):
        admission.started()
    start = clock.now
    for i in range(count):
        clock.now = start + over * (i + 1) / count
        admission.finished()


def test_the_pace_is_the_configured_one_until_enough_have_finished():
    clock = Clock()
    admission = Admission(clock)
    _finish(admission, clock, MIN_SAMPLES - 1, 1.0)
    assert admission.rate(32.0) == 32.0
    _finish(admission, clock, 1, 0.0)
    assert admission.rate(32.0) != 32.0


def test_the_pace_is_measured_over_the_window_and_old_ones_drop_out():
    clock = Clock()
    admission = Admission(clock)
    _finish(admission, clock, 50, 5.0)  # 10 a second
    assert abs(admission.rate(32.0) - 10.0) < 0.5
    clock.now += WINDOW + 0.1  # nothing finished since: the rate is not known any more
    assert admission.rate(32.0) == 32.0
    assert not admission.finished_at


def test_a_burst_in_one_instant_is_not_read_as_thousands_a_second():
    clock = Clock()
    admission = Admission(clock)
    _finish(admission, clock, 20, 0.0)
    assert admission.rate(32.0) == 20.0  # over at least one second


def test_those_turned_away_are_spread_at_the_measured_pace():
    clock = Clock()
    admission = Admission(clock)
    _finish(admission, clock, 50, 5.0)  # 10 a second
    admission.in_flight = 20  # two seconds of work under way
    waits = [admission.retry_after(32.0, 30) for _ in range(30)]
    assert waits[0] == 2
    assert waits == sorted(waits)  # later comers, later places
    assert waits[-1] == 5  # 20 under way + 30 promised at 10 a second: the last at 4.9 s
    assert sum(1 for wait in waits if wait == 3) == 10  # ten places a second


def test_a_slow_process_asks_for_longer_waits_than_a_fast_one():
    slow_clock, fast_clock = Clock(), Clock()
    slow, fast = Admission(slow_clock), Admission(fast_clock)
    _finish(slow, slow_clock, 10, 5.0)  # 2 a second
    _finish(fast, fast_clock, 500, 5.0)  # 100 a second
    slow.in_flight = fast.in_flight = 64
    assert slow.retry_after(32.0, 30) == 29  # 64 at the ~2.2 a second measured (10 over 4.5 s)
    slow.in_flight = 100
    assert slow.retry_after(32.0, 30) == 30  # 45 s of queue: capped
    assert fast.retry_after(32.0, 30) == 1


def test_the_promised_queue_never_runs_past_the_cap_and_empties_with_time():
    clock = Clock()
    admission = Admission(clock)
    admission.in_flight = 64
    for _ in range(1000):  # a long rush turned away at the configured 32 a second
        assert 1 <= admission.retry_after(32.0, 30) <= 30
    assert admission.promised_until <= clock.now + 30
    clock.now += 31
    admission.in_flight = 0
    assert admission.retry_after(32.0, 30) == 1  # the promises are past: back to the front
