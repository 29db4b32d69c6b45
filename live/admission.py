"""One server process's handshake queue: how many are under way, how fast they finish, and when a
newcomer who is turned away (`busy`, close 4503) should come back.

A fixed wait sends a whole turned-away class back in the same second, into the same full queue.
Instead every newcomer turned away is given the next free place in a virtual queue that drains at
the pace handshakes have really been finishing (over the last WINDOW seconds): the first comes back
when the handshakes under way should be done, each next one 1/rate later. Until enough handshakes
have finished to measure (a cold process, the first second of a rush), the pace is the configured
one: HANDSHAKES_IN_FLIGHT per RETRY_AFTER seconds. State is per process, like the queue it measures.
"""

import collections
import math
import time

WINDOW = 5.0  # seconds of finished handshakes the rate is measured over
MIN_SAMPLES = 8  # fewer finished handshakes than this in the window: the rate is not yet known


class Admission:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.in_flight = 0  # handshakes now between accept-or-not and the welcome (or refusal)
        self.finished_at = collections.deque()  # clock() of each handshake finished in the window
        self.promised_until = 0.0  # clock() after which the virtual queue has no one promised

    def _prune(self, now: float) -> None:
        while self.finished_at and self.finished_at[0] < now - WINDOW:
            self.finished_at.popleft()

    def started(self) -> None:
        self.in_flight += 1

    def finished(self) -> None:
        self.in_flight -= 1
        now = self.clock()
        self.finished_at.append(now)
        self._prune(now)

    def rate(self, fallback: float) -> float:
        """Handshakes finished a second over the window, or `fallback` while too few have."""
        now = self.clock()
        self._prune(now)
        if len(self.finished_at) < MIN_SAMPLES:
            return fallback
        # Over the span the samples cover (a process younger than the window has a shorter one);
        # at least a second, so that a burst of a few does not read as thousands a second.
        span = max(1.0, now - self.finished_at[0])
        return len(self.finished_at) / span

    def retry_after(self, fallback_rate: float, most: int) -> int:
        """Whole seconds the next newcomer turned away should wait (1..most), and take that place."""
        now = self.clock()
        rate = max(self.rate(fallback_rate), 1e-3)
        start = max(now + self.in_flight / rate, self.promised_until)
        # Never promise beyond `most`: past it everyone is told `most`, and the queue does not run
        # away while a long rush keeps being turned away.
        self.promised_until = min(start + 1 / rate, now + most)
        return min(most, max(1, math.ceil(start - now)))
