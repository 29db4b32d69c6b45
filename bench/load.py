"""Load processes: each runs an asyncio pool of `websockets` clients and reports what every client saw.

The orchestrator (bench.live) spawns several of these with multiprocessing so the load generator
does not starve itself, and talks to each over a Pipe:

    → ("connect",)                       ← ("connected", summary)
    → ("phase", t0, duration, rate, senders_per_room, drain)
                                          ← ("phase", report)
    → ("close",)                          ← ("closed", {})

Two ways of checking a client's stream (`ClientLog`):
- "seq" (the product): every room message carries the room's seq; a client must see each seq once,
  in increasing order, with no gap. Like the real JS client it asks `resume` after a reconnect or a
  gap held for a second, and counts what came back that way as `recovered`.
- "key" (the baselines, which have no persistent seq): each sender numbers its messages 1, 2, 3…
  in the client_id, and a client must see every sender's numbers once and in order.
Lost messages are counted by the orchestrator: what the server accepted (acked; for the naive
baseline, which never acks, what was sent) minus what each client received.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field

SEQ, KEY = "seq", "key"
GAP_RESUME_AFTER_S = 1.0


def make_client_id(nonce: str, sender: int, counter: int, send_ns: int) -> str:
    return f"{nonce}.{sender}.{counter}.{send_ns}"


def parse_client_id(client_id: str, nonce: str) -> tuple[int, int, int] | None:
    """(sender, counter, send_ns) of one of this run's messages, else None."""
    parts = (client_id or "").split(".")
    if len(parts) != 4 or parts[0] != nonce:
        return None
    try:
        return int(parts[1]), int(parts[2]), int(parts[3])
    except ValueError:
        return None


@dataclass
class Stream:
    """Numbers 1..contiguous all seen, plus those seen beyond a gap."""

    contiguous: int = 0
    ahead: set[int] = field(default_factory=set)

    def seen(self, n: int) -> bool:
        return n <= self.contiguous or n in self.ahead

    def add(self, n: int) -> None:
        self.ahead.add(n)
        while self.contiguous + 1 in self.ahead:
            self.contiguous += 1
            self.ahead.discard(self.contiguous)

    @property
    def highest(self) -> int:
        return max(self.ahead) if self.ahead else self.contiguous


class ClientLog:
    """Everything one client saw, checked frame by frame."""

    def __init__(self, nonce: str, mode: str):
        self.nonce = nonce
        self.mode = mode
        self.streams: dict[str, Stream] = {}
        self.baseline: int | None = None  # seq mode: room's last_seq when we first came in
        self.duplicated = 0
        self.reordered = 0
        self.recovered = 0
        self.gaps = 0
        self.reloads = 0
        self.foreign = 0
        self.latencies_ms: list[float] = []
        self.worst_by_second: dict[int, float] = {}  # send second → worst latency: the timeline
        self.gap_since: float | None = None
        self.resume_pending = False
        # Reconnects: [dropped_ns, ready_ns, caught_up_ns, target_seq]
        self.drops: list[list] = []

    # -- seq mode --------------------------------------------------------------------------
    def welcome(self, last_seq: int) -> int | None:
        """A welcome frame; returns the `after` of a resume to send, or None."""
        if self.mode != SEQ:
            return None
        stream = self.streams.setdefault("seq", Stream())
        if self.baseline is None:
            self.baseline = last_seq
            stream.contiguous = last_seq
            return None
        if self.drops and self.drops[-1][3] is None:
            self.drops[-1][3] = last_seq
        if last_seq > stream.contiguous:
            self.resume_pending = True
            return stream.contiguous
        self._check_caught_up()
        return None

    def message(self, frame: dict, recv_ns: int, *, live: bool = True) -> None:
        parsed = parse_client_id(frame.get("client_id", ""), self.nonce)
        if self.mode == SEQ:
            seq = frame.get("seq")
            if not isinstance(seq, int) or self.baseline is None or seq <= self.baseline:
                return
            stream = self.streams["seq"]
            if stream.seen(seq):
                # A resume answer may overlap what arrived live meanwhile: the protocol allows it.
                if live:
                    self.duplicated += 1
                return
            if live and seq < stream.highest:
                self.reordered += 1
            stream.add(seq)
            self.gap_since = time.monotonic() if stream.ahead else None
        else:
            if parsed is None:
                self.foreign += 1
                return
            stream = self.streams.setdefault(str(parsed[0]), Stream())
            counter = parsed[1]
            if stream.seen(counter):
                self.duplicated += 1
                return
            if counter < stream.highest:
                self.reordered += 1
            stream.add(counter)
        if parsed is None:
            self.foreign += 1
            return
        if live:
            latency = (recv_ns - parsed[2]) / 1e6
            self.latencies_ms.append(latency)
            second = parsed[2] // 1_000_000_000
            if latency > self.worst_by_second.get(second, 0.0):
                self.worst_by_second[second] = latency
        else:
            self.recovered += 1
        self._check_caught_up(recv_ns)

    def history(self, messages: list[dict], recv_ns: int) -> None:
        for frame in messages:
            self.message(frame, recv_ns, live=False)
        self.resume_pending = False
        self._check_caught_up(recv_ns)

    def gap_to_resume(self, now: float) -> int | None:
        """A gap held for longer than GAP_RESUME_AFTER_S: the `after` of a resume to send."""
        if self.mode != SEQ or self.resume_pending or self.gap_since is None:
            return None
        if now - self.gap_since < GAP_RESUME_AFTER_S:
            return None
        self.gaps += 1
        self.resume_pending = True
        self.gap_since = now
        return self.streams["seq"].contiguous

    # -- reconnects ------------------------------------------------------------------------
    def dropped(self, when_ns: int) -> None:
        if not self.drops or self.drops[-1][1] is not None:
            self.drops.append([when_ns, None, None, None])

    def ready(self, when_ns: int) -> None:
        if self.drops and self.drops[-1][1] is None:
            self.drops[-1][1] = when_ns
            if self.mode != SEQ:  # nothing to catch up: back is back
                self.drops[-1][2] = when_ns

    def _check_caught_up(self, when_ns: int | None = None) -> None:
        if self.mode != SEQ or not self.drops:
            return
        drop = self.drops[-1]
        if drop[1] is None or drop[2] is not None or drop[3] is None:
            return
        if self.streams["seq"].contiguous >= drop[3]:
            drop[2] = when_ns or time.time_ns()

    def snapshot_counters(self) -> dict:
        return {"duplicated": self.duplicated, "reordered": self.reordered, "recovered": self.recovered,
                "gaps": self.gaps, "reloads": self.reloads}


def lost_count(streams: dict[str, tuple[int, list[int]]], accepted: list[tuple[str, int]]) -> int:
    """How many accepted (stream, number) items a client's streams never saw."""
    lost = 0
    for sid, n in accepted:
        contiguous, ahead = streams.get(sid, (0, ()))
        if n > contiguous and n not in ahead:
            lost += 1
    return lost


# ---------------------------------------------------------------------------------------------
# The worker process
# ---------------------------------------------------------------------------------------------


class Sender:
    def __init__(self, index: int, rank: int):
        self.index = index
        self.rank = rank  # order among the room's senders: the first k are active in a phase
        self.counter = 0
        self.pending: dict[str, tuple[int, str]] = {}  # client_id → (counter, frame)
        self.reset_phase()

    def reset_phase(self) -> None:
        self.sent = 0
        self.not_sent = 0
        self.accepted: list[int] = []  # seqs (product) or counters (baselines)
        self.rejected: dict[str, int] = {}
        self.lag_ms: list[float] = []


class Client:
    def __init__(self, worker: Worker, spec: dict):
        self.worker = worker
        self.spec = spec
        self.protocol = spec["protocol"]
        self.log = ClientLog(worker.nonce, SEQ if self.protocol == "ours" else KEY)
        self.ws = None
        self.ready_event = asyncio.Event()
        self.first_connect_ms: float | None = None
        self.refused: str | None = None
        self.reconnects = 0
        self.closing = False
        self.sender = Sender(spec["sender"], spec["sender_rank"]) if spec.get("sender") is not None else None
        self.phase_base = self.log.snapshot_counters()

    async def run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        attempt = 0
        first = True
        while not self.closing:
            started = time.monotonic()
            try:
                if first:
                    await self.worker.handshake_slots.acquire()
                try:
                    ws = await connect(
                        self.spec["url"],
                        additional_headers={"Cookie": self.spec["cookie"]} if self.spec.get("cookie") else None,
                        origin=self.spec["origin"],
                        compression=None,
                        ping_interval=None,
                        open_timeout=60,
                        close_timeout=2,
                        max_size=2**24,
                        max_queue=None,
                    )
                finally:
                    if first:
                        self.worker.handshake_slots.release()
                self.ws = ws
                if self.protocol == "naive":
                    self._mark_ready(started)
                attempt = 0
                async for raw in ws:
                    self.on_frame(raw, started)
            except asyncio.CancelledError:
                raise
            except InvalidStatus as exc:
                self.refused = f"HTTP {exc.response.status_code}"
            except Exception as exc:  # refused, reset, timeout: the client's life under a storm
                self.worker.errors[type(exc).__name__] = self.worker.errors.get(type(exc).__name__, 0) + 1
            if self.ws is not None and self.ws.close_code in (4401, 4403, 4404):
                self.refused = f"close {self.ws.close_code}"
            self.ws = None
            if first and not self.ready_event.is_set():
                self.ready_event.set()  # count it as failed rather than wait forever
            first = False
            if self.closing or (self.refused and self.reconnects > 3):
                return
            self.log.dropped(time.time_ns())
            self.reconnects += 1
            # Exactly the product's browser client (static/js/live-room.js): 0.5 s doubling, at most
            # 30 s, ±25% jitter, so a storm is as gentle or as harsh as the real one.
            await asyncio.sleep(min(30.0, 0.5 * 2**attempt) * (0.75 + random.random() * 0.5))
            attempt += 1

    def _mark_ready(self, started: float) -> None:
        now_ns = time.time_ns()
        if self.first_connect_ms is None:
            self.first_connect_ms = (time.monotonic() - started) * 1000
        self.log.ready(now_ns)
        self.ready_event.set()
        # Safe retries: what was never acked goes again with the same client_id.
        if self.sender is not None and self.protocol == "ours":
            for _counter, frame in list(self.sender.pending.values()):
                self.send_soon(frame)

    def send_soon(self, frame: str) -> None:
        ws = self.ws
        if ws is not None:
            self.worker.spawn(self._send(ws, frame))

    async def _send(self, ws, frame: str) -> None:
        try:
            await ws.send(frame)
        except Exception:
            pass

    def on_frame(self, raw, started: float) -> None:
        recv_ns = time.time_ns()
        data = json.loads(raw)
        kind = data.get("type")
        if kind == "message":
            self.log.message(data, recv_ns)
        elif kind == "ack":
            self.on_ack(data)
        elif kind == "history":
            self.log.history(data.get("messages", []), recv_ns)
        elif kind == "welcome":
            after = self.log.welcome(int(data.get("last_seq") or 0))
            if after is not None:
                self.send_soon(json.dumps({"type": "resume", "after": after}))
            self._mark_ready(started)
        elif kind == "reload":
            self.log.reloads += 1
            self.log.resume_pending = False
        elif kind == "error":
            self.on_error(data)

    def on_ack(self, data: dict) -> None:
        if self.sender is None:
            return
        entry = self.sender.pending.pop(data.get("client_id", ""), None)
        if entry is None:
            return
        self.sender.accepted.append(int(data["seq"]) if self.protocol == "ours" else entry[0])

    def on_error(self, data: dict) -> None:
        code = data.get("code", "?")
        if self.sender is not None and self.sender.pending.pop(data.get("client_id", ""), None) is not None:
            self.sender.rejected[code] = self.sender.rejected.get(code, 0) + 1
        else:
            self.worker.errors[f"error:{code}"] = self.worker.errors.get(f"error:{code}", 0) + 1

    async def send_loop(self, t0: float, duration: float, rate: float, offset: float) -> None:
        sender = self.sender
        interval = 1.0 / rate
        k = 0
        while True:
            due = t0 + offset + k * interval
            if due >= t0 + duration:
                return
            delay = due - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            sender.lag_ms.append(max(0.0, (time.time() - due) * 1000))
            k += 1
            sender.counter += 1
            client_id = make_client_id(self.worker.nonce, sender.index, sender.counter, time.time_ns())
            frame = json.dumps({"type": "chat", "text": f"bench message {sender.counter}", "client_id": client_id})
            ws = self.ws
            if self.protocol == "naive":
                if ws is None:
                    sender.not_sent += 1
                    continue
                try:
                    await ws.send(frame)
                except Exception:
                    sender.not_sent += 1
                    continue
                sender.sent += 1
                sender.accepted.append(sender.counter)  # no ack in the naive design: sent is all we know
                continue
            if ws is None and self.protocol == "bare":
                sender.not_sent += 1
                continue
            sender.pending[client_id] = (sender.counter, frame)
            sender.sent += 1
            if ws is not None:
                try:
                    await ws.send(frame)
                except Exception:
                    pass  # stays pending; the product client retries it after reconnecting

    def phase_report(self) -> dict:
        base = self.phase_base
        now = self.log.snapshot_counters()
        report = {
            "room": self.spec["room"],
            "ready": self.ready_event.is_set() and self.first_connect_ms is not None,
            "streams": {sid: (s.contiguous, sorted(s.ahead)) for sid, s in self.log.streams.items()},
            **{name: now[name] - base[name] for name in now},
            "reconnects": self.reconnects,
            "drops": [list(d) for d in self.log.drops],
            "refused": self.refused,
        }
        self.phase_base = now
        return report


class Worker:
    def __init__(self, config: dict, conn):
        self.config = config
        self.conn = conn
        self.nonce = config["nonce"]
        self.errors: dict[str, int] = {}
        self.tasks: set[asyncio.Task] = set()
        self.clients: list[Client] = []

    def spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def main(self) -> None:
        self.handshake_slots = asyncio.Semaphore(self.config.get("handshake_concurrency", 50))
        self.clients = [Client(self, spec) for spec in self.config["clients"]]
        runners: list[asyncio.Task] = []
        gap_task = None
        while True:
            command = await asyncio.to_thread(self.conn.recv)
            if command[0] == "connect":
                began = time.monotonic()
                runners = [asyncio.create_task(c.run()) for c in self.clients]
                timeout = self.config.get("connect_timeout", 180)
                try:
                    await asyncio.wait_for(asyncio.gather(*(c.ready_event.wait() for c in self.clients)), timeout)
                except TimeoutError:
                    pass
                gap_task = asyncio.create_task(self.gap_watch())
                self.conn.send(("connected", {
                    "clients": len(self.clients),
                    "ready": sum(1 for c in self.clients if c.first_connect_ms is not None),
                    "connect_ms": [c.first_connect_ms for c in self.clients if c.first_connect_ms is not None],
                    "refused": [c.refused for c in self.clients if c.refused],
                    "seconds": time.monotonic() - began,
                    "errors": dict(self.errors),
                }))
                for c in self.clients:
                    c.phase_base = c.log.snapshot_counters()
                    c.log.latencies_ms.clear()
            elif command[0] == "phase":
                _, t0, duration, rate, senders_per_room, drain = command
                for c in self.clients:
                    c.log.latencies_ms.clear()
                    c.log.worst_by_second.clear()
                    if c.sender:
                        c.sender.reset_phase()
                loops = []
                for c in self.clients:
                    if c.sender is not None and c.sender.rank < senders_per_room:
                        offset = (c.sender.rank / senders_per_room) * (senders_per_room / rate)
                        loops.append(c.send_loop(t0, duration, rate / senders_per_room, offset))
                await asyncio.gather(*loops)
                await asyncio.sleep(max(0.0, t0 + duration + drain - time.time()))
                self.conn.send(("phase", self.phase_report()))
            elif command[0] == "close":
                if gap_task:
                    gap_task.cancel()
                for c in self.clients:
                    c.closing = True
                closers = [c.ws.close() for c in self.clients if c.ws is not None]
                if closers:
                    await asyncio.wait([asyncio.ensure_future(x) for x in closers], timeout=10)
                for task in runners:
                    task.cancel()
                await asyncio.gather(*runners, return_exceptions=True)
                self.conn.send(("closed", {}))
                return

    async def gap_watch(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            now = time.monotonic()
            for c in self.clients:
                after = c.log.gap_to_resume(now)
                if after is not None:
                    c.send_soon(json.dumps({"type": "resume", "after": after}))

    def phase_report(self) -> dict:
        latencies: dict[str, list[float]] = {}
        worst: dict[int, float] = {}
        for c in self.clients:
            latencies.setdefault(str(c.spec["room"]), []).extend(c.log.latencies_ms)
            for second, value in c.log.worst_by_second.items():
                worst[second] = max(worst.get(second, 0.0), value)
        senders = [
            {
                "room": c.spec["room"], "index": c.sender.index, "sent": c.sender.sent,
                "not_sent": c.sender.not_sent, "accepted": list(c.sender.accepted),
                "rejected": dict(c.sender.rejected), "unacked": len(c.sender.pending),
                "lag_ms": list(c.sender.lag_ms),
            }
            for c in self.clients
            if c.sender is not None
        ]
        for c in self.clients:
            if c.sender is not None:
                # Still-unacked ones count once, here; a later phase must not count them again.
                c.sender.pending.clear()
        return {
            "clients": [c.phase_report() for c in self.clients],
            "latencies_ms": latencies,
            "senders": senders,
            "errors": dict(self.errors),
            "worst_by_second": worst,
        }


def worker_main(config: dict, conn) -> None:
    """Entry point of one load process."""
    asyncio.run(Worker(config, conn).main())
