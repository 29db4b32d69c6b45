import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _touch_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _touch_channel_layer() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned a foreign message")
    # Channels has no "delete channel": a receive that is cancelled is how a layer learns the
    # channel is done with (the Redis pub/sub layer unsubscribes then). Without this, every check
    # left one subscription open on the worker's Redis connection.
    try:
        await asyncio.wait_for(layer.receive(channel), timeout=0.001)
    except TimeoutError:
        pass


@never_cache
async def healthz(request):
    """Really touch the database and the channel layer; 503 names the failing part."""
    result, ok = {}, True
    try:
        await sync_to_async(_touch_database)()
        result["db"] = "ok"
    except Exception as exc:  # any failure is the answer, not an error page
        ok, result["db"] = False, f"error: {exc.__class__.__name__}"
    try:
        await _touch_channel_layer()
        result["channels"] = "ok"
    except Exception as exc:
        ok, result["channels"] = False, f"error: {exc.__class__.__name__}"
    return JsonResponse(result, status=200 if ok else 503)
