"""Bench-only settings: the product's settings plus the naive baseline's channel layer and URLs.

The naive baseline runs on the classic RedisChannelLayer, as the Channels tutorial sets it up,
under its own alias so the product keeps its own layer untouched in the same process.
"""

import os

from qiaocamp.settings import *  # noqa: F403
from qiaocamp.settings import CHANNEL_LAYERS, DATABASES, INSTALLED_APPS, REDIS_URL

# bench is not installed with the product: its `seed_scale` command exists only under these settings.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

ROOT_URLCONF = "bench.urls"

CHANNEL_LAYERS = {
    **CHANNEL_LAYERS,
    "naive": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "bench-naive"},
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    ),
}

# `bench http --conn-max-age N`: an experiment on the product's persistent-connection setting
# (see docs/performance.md); without it the product's own value is measured.
if os.environ.get("BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])
    if DATABASES["default"]["CONN_MAX_AGE"]:
        # Django refuses persistent connections together with its pool: the experiment turns the pool off.
        DATABASES["default"].get("OPTIONS", {}).pop("pool", None)

# `bench live --live-setting QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT=8` (repeatable): an experiment on the
# live room's shedding and capacity settings (integers), passed to the bench servers through the
# environment; without it the product's own defaults are measured.
for _key, _value in os.environ.items():
    if _key.startswith("BENCH_SETTING_QIAOCAMP_LIVE_"):
        globals()[_key.removeprefix("BENCH_SETTING_")] = int(_value)
