"""Smoke tests of the bench harness pieces (no timing is ever asserted here: speed lives in bench/)."""

import io

import pytest
from django.core.management import call_command

from bench.common import percentile, summarize_ms
from bench.load import KEY, SEQ, ClientLog, Stream, lost_count, make_client_id

NONCE = "abc123"


def frame(seq, sender=1, counter=None, send_ns=1_000_000):
    return {
        "type": "message",
        "seq": seq,
        "client_id": make_client_id(NONCE, sender, seq if counter is None else counter, send_ns),
    }


def report(log: ClientLog) -> dict:
    return {sid: (s.contiguous, sorted(s.ahead)) for sid, s in log.streams.items()}


def test_seq_stream_in_order_is_clean():
    log = ClientLog(NONCE, SEQ)
    assert log.welcome(10) is None  # seqs up to 10 came before the run
    for seq in range(11, 21):
        log.message(frame(seq), recv_ns=3_000_000)
    assert (log.duplicated, log.reordered) == (0, 0)
    assert lost_count(report(log), [("seq", s) for s in range(11, 21)]) == 0
    assert log.latencies_ms == [2.0] * 10


def test_seq_checks_find_lost_duplicated_and_reordered():
    log = ClientLog(NONCE, SEQ)
    log.welcome(0)
    for seq in (1, 2, 4, 3, 3, 6):
        log.message(frame(seq), recv_ns=2_000_000)
    assert log.duplicated == 1  # the second 3
    assert log.reordered == 1  # 3 after 4
    assert lost_count(report(log), [("seq", s) for s in range(1, 7)]) == 1  # 5 never came


def test_seq_history_before_the_run_is_ignored_and_resume_is_asked_after_a_reconnect():
    log = ClientLog(NONCE, SEQ)
    log.welcome(5)
    log.message(frame(5), recv_ns=2_000_000)  # an old message repeated by the server: not ours to judge
    log.message(frame(6), recv_ns=2_000_000)
    assert log.duplicated == 0
    log.dropped(10)
    log.ready(20)
    assert log.welcome(9) == 6  # missed 7..9: resume after 6
    log.history([frame(7), frame(8), frame(9)], recv_ns=30)
    assert log.recovered == 3 and log.drops[-1][2] == 30  # caught up when 9 arrived
    assert lost_count(report(log), [("seq", s) for s in range(6, 10)]) == 0


def test_a_held_gap_asks_for_resume_once():
    log = ClientLog(NONCE, SEQ)
    log.welcome(0)
    log.message(frame(1), recv_ns=1)
    log.message(frame(3), recv_ns=1)
    assert log.gap_to_resume(log.gap_since + 0.1) is None
    assert log.gap_to_resume(log.gap_since + 5) == 1
    assert log.gap_to_resume(log.gap_since + 10) is None  # one resume in flight at a time
    assert log.gaps == 1


def test_key_mode_checks_each_sender_stream():
    log = ClientLog(NONCE, KEY)
    for sender, counter in ((1, 1), (2, 1), (1, 3), (1, 2), (2, 1)):
        log.message({"type": "message", "client_id": make_client_id(NONCE, sender, counter, 0)}, recv_ns=0)
    log.message({"type": "message", "client_id": "someone-else"}, recv_ns=0)
    assert log.duplicated == 1 and log.reordered == 1 and log.foreign == 1
    accepted = [("1", 1), ("1", 2), ("1", 3), ("1", 4), ("2", 1)]
    assert lost_count(report(log), accepted) == 1  # sender 1's fourth


def test_stream_and_percentiles():
    stream = Stream()
    for n in (2, 1, 4):
        stream.add(n)
    assert (stream.contiguous, stream.ahead, stream.highest) == (2, {4}, 4)
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 99) == 99
    assert summarize_ms([])["p99_ms"] is None


@pytest.mark.django_db
def test_seed_scale_tiny_and_idempotent():
    from bench.management.commands.seed_scale import Command as SeedScale
    from camp.models import Participant
    from courses.models import PlanItem
    from live.models import ChatMessage

    options = {
        "youth": 30,
        "groups": 4,
        "messages": 40,
        "items_per_plan": 8,
        "big_group": 12,
        "stdout": io.StringIO(),
    }
    call_command(SeedScale(), **options)
    counts = (Participant.objects.count(), PlanItem.objects.count(), ChatMessage.objects.count())
    assert counts[0] == 30 and counts[1] == 32
    assert counts[2] == 40  # phases 1 and 2 are over: their live classes hold the chat
    call_command(SeedScale(), **options)
    assert (Participant.objects.count(), PlanItem.objects.count(), ChatMessage.objects.count()) == counts


# --- joining at once: the retry rule and the join figures ------------------------------------------------


def test_retry_delay_backs_off_like_the_browser_client():
    from bench.load import retry_delay

    # No jitter (rand() = 0.5): 0.5 s doubling, capped at 30 s; the attempt number grows.
    delays = []
    attempt = 0
    for _ in range(9):
        delay, attempt = retry_delay(attempt, rand=lambda: 0.5)
        delays.append(delay)
    assert delays == [0.5, 1, 2, 4, 8, 16, 30, 30, 30] and attempt == 9
    # ±25 % jitter at the extremes.
    assert retry_delay(2, rand=lambda: 0.0) == (1.5, 3)
    assert retry_delay(2, rand=lambda: 1.0) == (2.5, 3)
    # 4429: straight to the longest waits.
    assert retry_delay(0, close_code=4429, rand=lambda: 0.5) == (30, 7)


def test_retry_delay_honours_busy_with_jitter_and_keeps_the_backoff():
    from bench.load import BUSY_JITTER, retry_delay

    assert retry_delay(3, close_code=4503, retry_after=4, rand=lambda: 0.0) == (4, 3)
    delay, attempt = retry_delay(3, close_code=4503, retry_after=4, rand=lambda: 0.999)
    assert 4 < delay < 4 + BUSY_JITTER and attempt == 3
    # At least 1 s, as the browser client (retry_after 0 or under a second).
    assert retry_delay(1, close_code=4503, retry_after=0, rand=lambda: 0.0) == (1, 1)
    # A 4503 with no `busy` frame before it: the ordinary backoff.
    assert retry_delay(1, close_code=4503, retry_after=None, rand=lambda: 0.5) == (1, 2)
    # A busy frame but another close (say a reset): the ordinary backoff too.
    assert retry_delay(1, close_code=1006, retry_after=4, rand=lambda: 0.5) == (1, 2)


def test_parse_retry_after_and_failure_kinds():
    import websockets.exceptions

    from bench.load import classify_failure, is_dropped, parse_retry_after, presence_changes

    assert [parse_retry_after(v) for v in (4, "2.5", 0, -1, None, True, "soon")] == [
        4,
        2.5,
        None,
        None,
        None,
        None,
        None,
    ]
    assert classify_failure(None, opened=True, close_code=4503, busy_reason="room_full") == "room_full"
    assert classify_failure(None, opened=True, close_code=4503) == "busy"
    assert classify_failure(None, opened=True, close_code=4429) == "closed 4429"
    assert classify_failure(ConnectionRefusedError(), opened=False) == "refused"
    assert classify_failure(TimeoutError(), opened=False) == "timeout"
    assert classify_failure(websockets.exceptions.InvalidMessage("eof"), opened=False) == "dropped"

    class Response:
        status_code = 403

    assert classify_failure(websockets.exceptions.InvalidStatus(Response()), opened=False) == "http 403"
    assert [
        is_dropped(k)
        for k in ("timeout", "http 403", "refused", "dropped", "busy", "room_full", "closed 4429")
    ] == [True] * 4 + [False] * 3
    # Presence in both protocol versions.
    assert presence_changes({"type": "presence", "action": "join", "user": {"id": 7}}) == [("join", 7)]
    assert presence_changes(
        {"type": "presence", "action": "batch", "join": [{"id": 1}, {"id": 2}], "leave": [{"id": 3}]}
    ) == [("join", 1), ("join", 2), ("leave", 3)]


def _join(in_ms, failures=(), first_failed=False, honoured=0):
    return {
        "in_ms": in_ms,
        "attempts": len(failures) + (1 if in_ms is not None else 0),
        "failures": list(failures),
        "first_failed": first_failed,
        "retry_after_honoured": honoured,
    }


def test_join_figures_count_the_rush():
    from bench.load import join_figures

    clients = [
        _join(800),
        _join(2500, ["busy"], first_failed=True, honoured=1),
        _join(9000, ["http 403", "timeout", "busy"], first_failed=True, honoured=1),
        _join(12000, ["room_full"], first_failed=True, honoured=1),
    ]
    f = join_figures(clients, within_s=10)
    assert (f["clients"], f["in"], f["outside"], f["all_in_s"]) == (4, 4, 0, 12.0)
    assert (f["in_within"], f["all_in_within"]) == (3, False)
    assert f["first_attempt_failures"] == 3
    assert f["first_attempt_failures_by_kind"] == {"busy": 1, "http 403": 1, "room_full": 1}
    assert (f["handshakes_dropped"], f["handshakes_timed_out"], f["handshakes_shed"]) == (2, 1, 3)
    assert f["retries"] == 5 and f["retry_after_honoured"] == 3
    # Someone never got in: no "all in" time, but the last one in is still reported.
    f = join_figures([_join(800), _join(None, ["refused"] * 3, first_failed=True)], within_s=10)
    assert (f["in"], f["outside"], f["all_in_s"], f["last_in_s"], f["all_in_within"]) == (
        1,
        1,
        None,
        0.8,
        False,
    )
    assert f["handshakes_dropped"] == 3 and f["retries"] == 2


def _client(streams, *, ready=True, dup=0, reordered=0, room=0):
    return {
        "room": room,
        "ready": ready,
        "streams": streams,
        "duplicated": dup,
        "reordered": reordered,
        "recovered": 0,
        "gaps": 0,
        "reloads": 0,
        "reconnects": 0,
        "drops": [],
        "refused": None,
    }


def test_analyze_accounts_lost_duplicated_reordered_on_synthetic_reports():
    from bench.live import analyze

    sender = {
        "room": 0,
        "index": 0,
        "sent": 5,
        "not_sent": 0,
        "accepted": [11, 12, 13, 14, 15],
        "rejected": {},
        "unacked": 0,
        "lag_ms": [1.0],
    }
    reports = [
        {
            "clients": [_client({"seq": (15, [])}), _client({"seq": (12, [14])}, dup=2, reordered=1)],
            "latencies_ms": {"0": [10.0, 20.0, 30.0]},
            "senders": [sender],
            "errors": {},
            "worst_by_second": {},
        },
        # Another load process: one in with nothing missing, one that never got in (not "5 lost").
        {
            "clients": [_client({"seq": (15, [])}), _client({}, ready=False)],
            "latencies_ms": {"0": [40.0]},
            "senders": [],
            "errors": {"TimeoutError": 2},
            "worst_by_second": {},
        },
    ]
    f = analyze("ours", reports, duration=2.0, rate=2.5, senders=1)
    assert (f["clients"], f["clients_never_in"]) == (4, 1)
    assert f["accepted"] == 5
    assert (f["lost"], f["clients_with_loss"]) == (2, 1)  # 13 and 15 on the second client
    assert (f["duplicated"], f["reordered"]) == (2, 1)
    assert (f["deliveries"], f["deliveries_per_s"], f["p50_ms"]) == (4, 2.0, 20.0)
    assert f["client_errors"] == {"TimeoutError": 2}


def test_rush_verdict_and_connect_slope():
    from bench.live import RUSH_TARGETS, connect_slopes, rush_verdict, slope

    run = {
        "connect": {"join": {"clients": 251, "all_in_s": 8.2, "handshakes_dropped": 0}},
        "p50_ms": 25.0,
        "p99_ms": 120.0,
        "lost": 0,
        "duplicated": 0,
        "reordered": 0,
    }
    v = rush_verdict(run, RUSH_TARGETS["join-rush"])
    assert v["all_in_s"] == [8.2, 10.0, True] and v["p99_ms"] == [120.0, 100.0, False]
    assert v["all_met"] is False
    run["connect"]["join"]["all_in_s"] = None  # somebody never got in
    assert rush_verdict(run, RUSH_TARGETS["ceremony"])["all_in_s"] == [None, 30.0, False]
    assert slope([50, 100, 150], [2.0, 2.0, 2.0]) == 0 and slope([1], [1]) is None
    points = [
        {
            "clients": c,
            "connect_per_join_ms": 10 + c / 100,
            "connect_p50_ms": 5,
            "connect_p99_ms": None,
            "p99_ms": 10,
        }
        for c in (50, 250, 1000)
    ]
    # 1 s of start-up + 20 ms per client: flat, whatever the average per client says.
    for p in points:
        p["connect_all_s"] = 1 + 0.02 * p["clients"]
    s = connect_slopes(points)
    assert s["marginal_ms_per_client"] == [None, 20.0, 20.0] and s["marginal_ms_per_100_clients"] == 0
    assert s["per_join_ms_per_100_clients"] == 1.0 and s["p50_ms_per_100_clients"] == 0
    assert s["p99_ms_per_100_clients"] is None
    # Each join costing more in a bigger room (quadratic fill time) shows as a positive slope.
    for p in points:
        p["connect_all_s"] = 0.0001 * p["clients"] ** 2
    s = connect_slopes(points)
    assert s["marginal_ms_per_client"] == [None, 30.0, 125.0] and s["marginal_ms_per_100_clients"] == 20.0


def test_growth_plot_has_a_connect_panel(tmp_path):
    pytest.importorskip("matplotlib")
    from bench.plot import growth_plot

    rows = {
        t: [
            {
                "clients": c,
                "p99_ms": 10.0,
                "deliveries_per_s": 5.0 * c,
                "connect_per_join_ms": 3.0,
                "connect_marginal_ms": None if c == 50 else -1.0,
            }
            for c in (50, 100)
        ]
        for t in ("ours", "bare")
    }
    out = growth_plot(rows, str(tmp_path / "growth.png"), {"ours": {"marginal_ms_per_100_clients": 0.0}})
    assert (tmp_path / "growth.png").stat().st_size > 1000 and out.endswith("growth.png")


def test_a_client_shed_with_busy_comes_back_after_retry_after_and_counts_it():
    """One real socket: the first handshake is shed (busy, close 4503), the second is welcomed."""
    import asyncio
    import json

    from websockets.asyncio.server import serve

    from bench.load import Client, Worker, join_figures

    attempts = []

    async def handler(ws):
        attempts.append(ws.request.path)
        if len(attempts) == 1:
            await ws.send(json.dumps({"type": "busy", "retry_after": 1, "reason": "busy"}))
            await ws.close(code=4503)
            return
        await ws.send(json.dumps({"type": "welcome", "last_seq": 0}))
        await ws.wait_closed()

    async def main():
        async with serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            worker = Worker({"nonce": NONCE, "clients": [], "open_timeout": 5}, conn=None)
            worker.rush = True
            spec = {
                "protocol": "ours",
                "url": f"ws://127.0.0.1:{port}/ws/live/1/?v=2",
                "origin": None,
                "cookie": None,
                "room": 0,
                "sender": None,
                "sender_rank": 1,
            }
            client = Client(worker, spec)
            task = asyncio.create_task(client.run())
            await asyncio.wait_for(client.ready_event.wait(), 10)
            client.closing = True
            await client.ws.close()
            await asyncio.wait_for(task, 10)
            return client

    client = asyncio.run(main())
    assert attempts == ["/ws/live/1/?v=2"] * 2
    record = client.join_record()
    assert record["failures"] == ["busy"] and record["first_failed"] and record["attempts"] == 2
    assert 1000 <= record["in_ms"] < 5000  # waited retry_after (1 s) × 1–1.5 before coming back
    f = join_figures([record])
    assert (f["handshakes_shed"], f["handshakes_dropped"], f["retries"], f["retry_after_honoured"]) == (
        1,
        0,
        1,
        1,
    )


def test_backend_load_is_split_into_per_join_and_per_1000_clients_a_second():
    from bench.backend import load_figures

    before = {"at": 0.0, "redis": {"total_commands_processed": 100}, "pg": {"xact_commit": 10}}
    joined = {"at": 5.0, "redis": {"total_commands_processed": 2100}, "pg": {"xact_commit": 510}}
    after = {"at": 15.0, "redis": {"total_commands_processed": 7100}, "pg": None}
    figures = load_figures(before, joined, after, clients=250)
    assert figures["message_phase_s"] == 10.0
    assert figures["redis"]["per_join"] == {"total_commands_processed": 8.0}
    # 5,000 commands over 10 s for 250 clients: 2,000 a second per 1,000 clients.
    assert figures["redis"]["per_1000_clients_per_s"] == {"total_commands_processed": 2000.0}
    assert figures["pg"] is None  # a server that could not be read is said, not guessed


def test_backend_snapshot_reads_nothing_it_cannot_reach():
    from bench.backend import snapshot

    shot = snapshot("sqlite:///nowhere", "redis://127.0.0.1:1/0")
    assert shot["redis"] is None and shot["pg"] is None and shot["at"] > 0


@pytest.mark.django_db
def test_the_join_probe_times_each_youth_into_an_emptied_room(live_session, group, make_participant):
    from bench.join import joins
    from live.models import AttendanceSpan
    from live.services.online import online_connections

    users = [make_participant(group, given_name=f"ยุวชน{n}").user for n in range(8)]
    result = joins(live_session, users, profile=True, profile_rows=5)
    assert result["joins"] == 8
    figures = result["per_join_ms"]
    assert 0 < figures["p50"] and 0 < figures["first_tenth_mean"] and 0 < figures["last_tenth_mean"]
    assert any("enter_room" in line for line in result["profile"])
    # Each youth is in once: the warm-up's spans were taken away again.
    assert AttendanceSpan.objects.filter(session=live_session, left_at__isnull=True).count() == 8
    assert online_connections(live_session.pk) == 8
