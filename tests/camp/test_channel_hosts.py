"""qiaocamp/settings.py: channel_layer_hosts, the Redis servers the channel layer shards over."""

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer

from qiaocamp.settings import channel_layer_hosts


def test_one_host_by_default():
    assert channel_layer_hosts({"REDIS_URL": "redis://127.0.0.1:6379/0"}) == ["redis://127.0.0.1:6379/0"]
    assert channel_layer_hosts({}) == []


def test_several_hosts_in_their_order():
    environ = {
        "REDIS_URL": "redis://cache:6379/0",
        "REDIS_CHANNEL_URLS": " redis://a:6379/0, redis://b:6379/0 ,",
    }
    assert channel_layer_hosts(environ) == ["redis://a:6379/0", "redis://b:6379/0"]


@pytest.mark.parametrize("value", ["http://a:6379/0", "redis://a:6379/0,a:6379", "redis://a/0,redis://a/0"])
def test_bad_hosts_are_refused_at_start(value):
    with pytest.raises(RuntimeError, match="REDIS_CHANNEL_URLS"):
        channel_layer_hosts({"REDIS_CHANNEL_URLS": value})


async def test_the_layer_spreads_rooms_over_the_hosts():
    """Two hosts: channels_redis puts each room on one of them by a hash of its name, stable per name."""
    layer = RedisPubSubChannelLayer(
        hosts=channel_layer_hosts({"REDIS_CHANNEL_URLS": "redis://a/0,redis://b/0"})
    )
    shards = {name: layer._get_shard(name) for name in (f"live.room.{n}" for n in range(40))}
    assert set(shards.values()) == set(layer._shards) and len(layer._shards) == 2
    assert all(layer._get_shard(name) is shard for name, shard in shards.items())
