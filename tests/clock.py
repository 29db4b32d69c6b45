"""The test suite's clock: moves "now" for this test process and for the daphne servers it starts.

`install()` (tests/settings.py calls it, so it runs in every process that loads the test settings,
before any app module is imported) replaces `django.utils.timezone.now` with a function that adds
an offset kept in a file of this run and worker. Everything that asks Django for the time sees it:
`timezone.now()`, `localdate()`, `auto_now` fields, sessions, the live room's opening rule — in
pytest's process, in its live_server thread and in the daphne processes of tests/live/servers.py,
which inherit QC_TEST_RUN and PYTEST_XDIST_WORKER and therefore read the same file. Only the offset
is stored: time keeps running, so a class "at 10:00" that the test travels to really lasts.

Tests use the `clock` fixture (tests/conftest.py): `clock.travel_to(moment)`, `clock.advance(delta)`;
the fixture puts the clock back afterwards. Nothing in the product depends on this module.
"""

import datetime
import os
import tempfile
from pathlib import Path

from django.utils import timezone

ZERO = datetime.timedelta(0)
_real_now = timezone.now
_state = {"mtime": None, "offset": ZERO}


def clock_file() -> Path:
    run = os.environ.get("QC_TEST_RUN", "norun")
    worker = os.environ.get("PYTEST_XDIST_WORKER") or "main"
    return Path(tempfile.gettempdir()) / f"qiaocamp-clock-{run}-{worker}"


def offset() -> datetime.timedelta:
    try:
        stat = os.stat(clock_file())
        mtime = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return ZERO
    if mtime != _state["mtime"]:
        try:
            seconds = float(clock_file().read_text() or 0)
        except (FileNotFoundError, ValueError):
            return ZERO
        _state.update(mtime=mtime, offset=datetime.timedelta(seconds=seconds))
    return _state["offset"]


def now() -> datetime.datetime:
    return _real_now() + offset()


def install() -> None:
    timezone.now = now


class Clock:
    """What a test holds: move the shared clock, read it."""

    def now(self) -> datetime.datetime:
        return now()

    def travel_to(self, moment: datetime.datetime) -> None:
        """From now on (time keeps running) every process of this test sees `moment` as now."""
        if timezone.is_naive(moment):
            raise ValueError("travel_to needs an aware datetime")
        self._write((moment - _real_now()).total_seconds())

    def advance(self, delta: datetime.timedelta) -> None:
        self._write((offset() + delta).total_seconds())

    def reset(self) -> None:
        clock_file().unlink(missing_ok=True)
        _state.update(mtime=None, offset=ZERO)

    def _write(self, seconds: float) -> None:
        path = clock_file()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(repr(seconds))
        os.replace(temporary, path)  # other processes never read a half-written file
        _state.update(mtime=None)
