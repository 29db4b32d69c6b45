"""Load processes: each runs an asyncio pool of `websockets` clients and reports what every client saw.

The orchestrator (bench.live) spawns several of these with multiprocessing so the load generator
does not starve itself, and talks to each over a Pipe:

    → ("hello",)                          ← ("hello", {})            the process is up
    → ("connect",)                       ← ("connected", summary)   the room fills N handshakes at a time
    → ("connect", at, timeout)            ← ("connected", summary)   every client's first handshake at
                                             wall-clock `at` (the rush), retrying until all are in or timeout
    → ("phase", t0, duration, rate, senders_per_room, drain, extras)
                                          ← ("phase", report)        extras: the ceremony's reactions/hands
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
REACTIONS = ("👍", "❤️", "😂", "👏", "🎉", "😮")  # live/services/chat.py


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
        return {
            "duplicated": self.duplicated,
            "reordered": self.reordered,
            "recovered": self.recovered,
            "gaps": self.gaps,
            "reloads": self.reloads,
        }


def lost_count(streams: dict[str, tuple[int, list[int]]], accepted: list[tuple[str, int]]) -> int:
    """How many accepted (stream, number) items a client's streams never saw."""
    lost = 0
    for sid, n in accepted:
        contiguous, ahead = streams.get(sid, (0, ()))
        if n > contiguous and n not in ahead:
            lost += 1
    return lost


# ---------------------------------------------------------------------------------------------
# Reconnecting like static/js/live-room.js, and what a join ran into
# ---------------------------------------------------------------------------------------------

CLOSE_RATE_LIMITED = 4429
CLOSE_BUSY = 4503  # live/consumers.py: sent after a {"type": "busy", "retry_after": N, "reason": …} frame
# Close codes after which the browser client stops for good (live-room.js FATAL).
FATAL_CLOSES = (4401, 4403, 4404)
BACKOFF_BASE_S, BACKOFF_MAX_S, BACKOFF_JITTER = 0.5, 30.0, 0.25
# A client told "come back in N s" waits N s plus up to this many seconds more (live-room.js): the
# server gives each newcomer it turns away its own place in a queue, in whole seconds, and the
# jitter spreads those given the same second.
BUSY_JITTER = 1.0


def retry_delay(
    attempt: int, *, close_code: int | None = None, retry_after: float | None = None, rand=random.random
) -> tuple[float, int]:
    """(seconds to wait, the next attempt number) after a connection that failed or dropped.

    - Closed 4503 after a `busy` frame (retry_after: its value, None when no frame came): at least
      1 s, + U[0, BUSY_JITTER) s, and the backoff does not grow (the server asked for the wait,
      the network did not fail); as live-room.js and docs/live-protocol.md §1.
    - Otherwise the browser client's rule: 0.5 s doubling up to 30 s, ±25 % jitter; after a 4429
      close it jumps to the longest waits (attempt ≥ 6). `attempt` is reset to 0 on `welcome`.
    """
    if close_code == CLOSE_BUSY and retry_after is not None:
        return max(1.0, retry_after) + rand() * BUSY_JITTER, attempt
    if close_code == CLOSE_RATE_LIMITED:
        attempt = max(attempt, 6)
    base = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**attempt)
    return base * (1.0 - BACKOFF_JITTER + rand() * 2 * BACKOFF_JITTER), attempt + 1


def parse_retry_after(value) -> float | None:
    """Seconds from a `busy` frame's retry_after (a number, or its text); None if it says none."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def classify_failure(
    exc: BaseException | None, *, opened: bool, close_code: int | None = None, busy_reason: str | None = None
) -> str:
    """What one connection attempt that never reached `welcome` ran into (for the join figures).

    busy / room_full: the server shed it cleanly (accepted, a `busy` frame, close 4503);
    dropped: the connection closed with no valid handshake answer (websockets' InvalidMessage:
    what daphne does to a handshake its app has not accepted within --websocket_connect_timeout,
    5 s by default), or was reset; refused: TCP refused (nothing listens); http NNN: the handshake
    was answered with an HTTP status; timeout: no answer within the client's --open-timeout;
    closed NNNN: the socket opened, then closed before `welcome` with that code (4429: too many
    connections)."""
    if opened:
        if close_code == CLOSE_BUSY:
            return busy_reason if busy_reason in ("busy", "room_full") else "busy"
        return f"closed {close_code}" if close_code is not None else "closed"
    if exc is None:
        return "dropped"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status is not None:
        return f"http {status}"
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timeout"
    return "dropped"


SHED_KINDS = ("busy", "room_full")


def is_dropped(kind: str) -> bool:
    """A handshake the server never answered cleanly: timed out, reset, refused, or an HTTP error
    status (daphne's 403 for a handshake not accepted in time). Sheds and app closes are not."""
    return kind in ("dropped", "timeout", "refused") or kind.startswith("http ")


def join_figures(clients: list[dict], *, within_s: float | None = None) -> dict:
    """The "joining at once" figures from each client's join record (Client.join_record()).

    Times are from the instant every client started its first attempt (the rush) to its welcome.
    A failed attempt is one that ended before `welcome`; `retries` = attempts − 1 per client."""
    from bench.common import percentile, summarize_ms

    inside = [c for c in clients if c["in_ms"] is not None]
    in_ms = [c["in_ms"] for c in inside]
    attempts = [c["attempts"] for c in clients]
    kinds: dict[str, int] = {}
    first_kinds: dict[str, int] = {}
    for c in clients:
        for kind in c["failures"]:
            kinds[kind] = kinds.get(kind, 0) + 1
        if c["first_failed"] and c["failures"]:
            first_kinds[c["failures"][0]] = first_kinds.get(c["failures"][0], 0) + 1
    dropped = sum(n for k, n in kinds.items() if is_dropped(k))
    timed_out = kinds.get("timeout", 0)
    shed = sum(n for k, n in kinds.items() if k in SHED_KINDS)
    out = {
        "clients": len(clients),
        "in": len(inside),
        "outside": len(clients) - len(inside),
        "all_in_s": round(max(in_ms) / 1000, 2) if in_ms and len(inside) == len(clients) else None,
        "last_in_s": round(max(in_ms) / 1000, 2) if in_ms else None,
        "first_attempt_failures": sum(1 for c in clients if c["first_failed"]),
        "first_attempt_failures_by_kind": first_kinds,
        "failed_attempts_by_kind": kinds,
        # Dropped: never answered cleanly (closed unanswered: daphne's connect timeout; reset,
        # refused, an HTTP error, the client's own open timeout); timed out: the client's timeout.
        "handshakes_dropped": dropped,
        "handshakes_timed_out": timed_out,
        # Shed: accepted and told to come back (busy / room_full with retry_after, close 4503).
        "handshakes_shed": shed,
        "handshakes_closed_other": sum(kinds.values()) - dropped - shed,
        "retries": sum(a - 1 for a in attempts if a > 0),
        "retry_after_honoured": sum(c["retry_after_honoured"] for c in clients),
        "attempts_per_client": {
            "mean": round(sum(attempts) / len(attempts), 2) if attempts else None,
            "p50": percentile(attempts, 50),
            "p99": percentile(attempts, 99),
            "max": max(attempts, default=None),
        },
        "connect": summarize_ms(in_ms),
    }
    if within_s is not None:
        out["within_s"] = within_s
        out["in_within"] = sum(1 for v in in_ms if v <= within_s * 1000)
        out["all_in_within"] = out["in_within"] == len(clients) and bool(clients)
    return out


def presence_changes(frame: dict) -> list[tuple[str, object]]:
    """(action, user id) of every change a presence frame says, in either protocol version:
    v1 {"action": "join"|"leave", "user": {...}}, v2 {"action": "batch", "join": [...], "leave": [...]}."""
    if frame.get("action") == "batch":
        return [
            (action, (user or {}).get("id"))
            for action in ("join", "leave")
            for user in frame.get(action) or []
        ]
    if frame.get("action") in ("join", "leave"):
        return [(frame["action"], (frame.get("user") or {}).get("id"))]
    return []


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
        # Joining: every attempt until the first welcome, and what each failed one ran into.
        self.join_started: float | None = None
        self.join_attempts = 0
        self.failures: list[str] = []
        self.first_failed = False
        self.in_ms: float | None = None
        self.retry_after: float | None = None  # from the `busy` frame of this connection
        self.busy_reason: str | None = None
        self.retry_after_honoured = 0
        self.backoff_attempt = 0
        self.welcomed_here = False
        self.extras_sent: dict[str, int] = {}

    async def run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        first = True
        rush = self.worker.rush
        if self.join_started is None:
            self.join_started = time.monotonic()
        while not self.closing:
            started = time.monotonic()
            joining = self.first_connect_ms is None
            if joining:
                self.join_attempts += 1
            self.welcomed_here = False
            self.retry_after = None
            self.busy_reason = None
            opened = False
            failure: BaseException | None = None
            slots = self.worker.handshake_slots if first else None
            try:
                if slots is not None:
                    await slots.acquire()
                try:
                    ws = await connect(
                        self.spec["url"],
                        additional_headers={"Cookie": self.spec["cookie"]}
                        if self.spec.get("cookie")
                        else None,
                        origin=self.spec["origin"],
                        compression=None,
                        ping_interval=None,
                        open_timeout=self.worker.open_timeout,
                        close_timeout=2,
                        max_size=2**24,
                        max_queue=None,
                    )
                finally:
                    if slots is not None:
                        slots.release()
                opened = True
                self.ws = ws
                if self.protocol == "naive":
                    self._mark_ready(started)
                async for raw in ws:
                    self.on_frame(raw, started)
            except asyncio.CancelledError:
                raise
            except InvalidStatus as exc:
                failure = exc
                if not rush:  # in a rush a refused handshake is one more reason to retry, as a phone does
                    self.refused = f"HTTP {exc.response.status_code}"
            except Exception as exc:  # refused, reset, timeout: the client's life under a storm
                failure = exc
                self.worker.errors[type(exc).__name__] = self.worker.errors.get(type(exc).__name__, 0) + 1
            close_code = None
            if self.ws is not None:
                close_code = self.ws.close_code
                if close_code == CLOSE_BUSY:
                    key = f"shed:{self.busy_reason or 'no busy frame'}"
                    self.worker.errors[key] = self.worker.errors.get(key, 0) + 1
                if close_code in FATAL_CLOSES:
                    self.refused = f"close {close_code}"
            if joining and not self.welcomed_here:
                self.failures.append(
                    classify_failure(
                        failure, opened=opened, close_code=close_code, busy_reason=self.busy_reason
                    )
                )
                if first:
                    self.first_failed = True
            self.ws = None
            if first and not self.ready_event.is_set() and not rush:
                self.ready_event.set()  # count it as failed rather than wait forever
            first = False
            if self.closing:
                return
            if rush and close_code in FATAL_CLOSES:
                return  # the browser client stops for good on these
            if not rush and self.refused and self.reconnects > 3:
                return
            self.log.dropped(time.time_ns())
            self.reconnects += 1
            if close_code == CLOSE_BUSY and self.retry_after is not None:
                self.retry_after_honoured += 1
            # The browser client's rule (static/js/live-room.js) plus `busy`, see retry_delay().
            delay, self.backoff_attempt = retry_delay(
                self.backoff_attempt, close_code=close_code, retry_after=self.retry_after
            )
            await asyncio.sleep(delay)

    def _mark_ready(self, started: float) -> None:
        now_ns = time.time_ns()
        self.welcomed_here = True
        self.backoff_attempt = 0  # live-room.js resets its backoff on welcome
        if self.first_connect_ms is None:
            self.first_connect_ms = (time.monotonic() - started) * 1000
            self.in_ms = (time.monotonic() - self.join_started) * 1000
        self.log.ready(now_ns)
        self.ready_event.set()
        # Safe retries: what was never acked goes again with the same client_id.
        if self.sender is not None and self.protocol == "ours":
            for _counter, frame in list(self.sender.pending.values()):
                self.send_soon(frame)

    def join_record(self) -> dict:
        return {
            "in_ms": self.in_ms,
            "attempts": self.join_attempts,
            "failures": list(self.failures),
            "first_failed": self.first_failed,
            "retry_after_honoured": self.retry_after_honoured,
        }

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
        elif kind == "busy":
            # The server sheds this handshake (accepted, then closed with 4503): come back then.
            self.retry_after = parse_retry_after(data.get("retry_after")) or 1.0  # live-room.js: at least 1 s
            self.busy_reason = data.get("reason")
        elif kind == "presence":
            changes = presence_changes(data)
            self.worker.frames["presence_changes"] = self.worker.frames.get("presence_changes", 0) + len(
                changes
            )
        if kind not in ("message", "ack"):
            name = f"presence.{data.get('action')}" if kind == "presence" else kind
            self.worker.frames[name] = self.worker.frames.get(name, 0) + 1

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
            frame = json.dumps(
                {"type": "chat", "text": f"bench message {sender.counter}", "client_id": client_id}
            )
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

    async def extra_loop(self, t0: float, duration: float, kind: str, rate: float, offset: float) -> None:
        """Reactions on the latest message this client saw, or a hand raised and lowered in turn."""
        interval = 1.0 / rate
        k = 0
        raised = False
        while True:
            due = t0 + offset + k * interval
            if due >= t0 + duration:
                return
            delay = due - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            k += 1
            if kind == "react":
                stream = self.log.streams.get("seq")
                seq = stream.highest if stream is not None else 0
                if not seq:
                    continue
                frame = {"type": "react", "seq": seq, "emoji": REACTIONS[k % len(REACTIONS)]}
            else:
                raised = not raised
                frame = {"type": "hand", "raised": raised}
            if self.ws is None or not self.welcomed_here:
                continue
            self.extras_sent[kind] = self.extras_sent.get(kind, 0) + 1
            self.send_soon(json.dumps(frame))

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
        self.rush = False
        self.open_timeout = config.get("open_timeout", 60)
        self.handshake_slots: asyncio.Semaphore | None = None
        self.frames: dict[str, int] = {}  # frames other than message/ack received, by type

    def spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def main(self) -> None:
        concurrency = self.config.get("handshake_concurrency", 50)
        # 0: no limit, every client's first handshake at once (the "joining at once" shape).
        self.handshake_slots = asyncio.Semaphore(concurrency) if concurrency > 0 else None
        self.clients = [Client(self, spec) for spec in self.config["clients"]]
        runners: list[asyncio.Task] = []
        gap_task = None
        while True:
            command = await asyncio.to_thread(self.conn.recv)
            if command[0] == "hello":  # imported and listening: a rush can be timed now
                self.conn.send(("hello", {}))
            elif command[0] == "connect":
                rush_at = command[1] if len(command) > 1 else None
                timeout = command[2] if len(command) > 2 else self.config.get("connect_timeout", 180)
                late_ms = None
                if rush_at is not None:
                    # Every load process starts every client at the same wall-clock instant.
                    self.rush = True
                    await asyncio.sleep(max(0.0, rush_at - time.time()))
                    late_ms = (time.time() - rush_at) * 1000
                began = time.monotonic()
                for c in self.clients:
                    c.join_started = began
                runners = [asyncio.create_task(c.run()) for c in self.clients]
                try:
                    await asyncio.wait_for(
                        asyncio.gather(*(c.ready_event.wait() for c in self.clients)), timeout
                    )
                except TimeoutError:
                    pass
                gap_task = asyncio.create_task(self.gap_watch())
                self.conn.send(
                    (
                        "connected",
                        {
                            "clients": len(self.clients),
                            "ready": sum(1 for c in self.clients if c.first_connect_ms is not None),
                            "connect_ms": [
                                c.first_connect_ms for c in self.clients if c.first_connect_ms is not None
                            ],
                            "refused": [c.refused for c in self.clients if c.refused],
                            "seconds": time.monotonic() - began,
                            "errors": dict(self.errors),
                            "joins": [c.join_record() for c in self.clients],
                            "rush_late_ms": late_ms,
                            # What the room sent while it filled (presence joins: v1 one frame per join, v2 batches).
                            "frames": dict(self.frames),
                        },
                    )
                )
                self.frames = {}
                for c in self.clients:
                    c.phase_base = c.log.snapshot_counters()
                    c.log.latencies_ms.clear()
            elif command[0] == "phase":
                _, t0, duration, rate, senders_per_room, drain = command[:6]
                extras = command[6] if len(command) > 6 else None
                self.frames = {}
                for c in self.clients:
                    c.extras_sent = {}
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
                loops.extend(self.extra_loops(extras, t0, duration, senders_per_room))
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

    def extra_loops(self, extras: dict | None, t0: float, duration: float, senders_per_room: int) -> list:
        """Reactions and hands (the product only): the youth ranked after the chat senders, each at
        rate/count with its start offset by its position, so that the room sees `rate` in all
        (whichever load process holds each client)."""
        if not extras:
            return []
        loops = []
        first = senders_per_room
        for kind, rate_key, count_key in (
            ("react", "reaction_rate", "reactors"),
            ("hand", "hand_rate", "handers"),
        ):
            rate, count = extras.get(rate_key) or 0, extras.get(count_key) or 0
            if rate <= 0 or count <= 0:
                continue
            mine = [
                c
                for c in self.clients
                if c.protocol == "ours" and first <= c.spec["sender_rank"] < first + count
            ]
            first += count
            for c in mine:
                position = c.spec["sender_rank"] - (first - count)
                loops.append(c.extra_loop(t0, duration, kind, rate / count, position / rate))
        return loops

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
                "room": c.spec["room"],
                "index": c.sender.index,
                "sent": c.sender.sent,
                "not_sent": c.sender.not_sent,
                "accepted": list(c.sender.accepted),
                "rejected": dict(c.sender.rejected),
                "unacked": len(c.sender.pending),
                "lag_ms": list(c.sender.lag_ms),
            }
            for c in self.clients
            if c.sender is not None
        ]
        extras_sent: dict[str, int] = {}
        for c in self.clients:
            for kind, n in c.extras_sent.items():
                extras_sent[kind] = extras_sent.get(kind, 0) + n
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
            "frames": dict(self.frames),
            "extras_sent": extras_sent,
        }


def worker_main(config: dict, conn) -> None:
    """Entry point of one load process."""
    asyncio.run(Worker(config, conn).main())
