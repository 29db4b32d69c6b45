"""The suite's clock helper moves Django's "now" here and in another process, and goes back."""

import datetime
import os
import subprocess
import sys

from django.utils import timezone

from tests.clock import _real_now


def test_travel_moves_timezone_now_and_localdate(clock):
    target = datetime.datetime(2027, 7, 20, 1, 30, tzinfo=datetime.UTC)
    clock.travel_to(target)
    assert abs(timezone.now() - target) < datetime.timedelta(seconds=2)
    assert timezone.localdate(timezone=datetime.timezone(datetime.timedelta(hours=8))) == datetime.date(2027, 7, 20)
    clock.advance(datetime.timedelta(days=1))
    assert abs(timezone.now() - target - datetime.timedelta(days=1)) < datetime.timedelta(seconds=2)
    clock.reset()
    assert abs(timezone.now() - _real_now()) < datetime.timedelta(seconds=1)


def test_another_process_of_the_run_sees_the_same_now(clock):
    target = datetime.datetime(2027, 8, 1, 12, 0, tzinfo=datetime.UTC)
    clock.travel_to(target)
    script = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tests.settings'; django.setup();"
              "from django.utils import timezone; print(timezone.now().isoformat())")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ.copy(),
                         check=True).stdout.strip()
    seen = datetime.datetime.fromisoformat(out)
    assert abs(seen - target) < datetime.timedelta(seconds=10)
