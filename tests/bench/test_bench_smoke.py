"""Smoke tests of the bench harness pieces (no timing is ever asserted here: speed lives in bench/)."""

import io

import pytest
from django.core.management import call_command

from bench.common import percentile, summarize_ms
from bench.load import KEY, SEQ, ClientLog, Stream, lost_count, make_client_id

NONCE = "abc123"


def frame(seq, sender=1, counter=None, send_ns=1_000_000):
    return {"type": "message", "seq": seq,
            "client_id": make_client_id(NONCE, sender, seq if counter is None else counter, send_ns)}


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

    options = {"youth": 30, "groups": 4, "messages": 40, "items_per_plan": 8, "big_group": 12, "stdout": io.StringIO()}
    call_command(SeedScale(), **options)
    counts = (Participant.objects.count(), PlanItem.objects.count(), ChatMessage.objects.count())
    assert counts[0] == 30 and counts[1] == 32
    assert counts[2] == 40  # phases 1 and 2 are over: their live classes hold the chat
    call_command(SeedScale(), **options)
    assert (Participant.objects.count(), PlanItem.objects.count(), ChatMessage.objects.count()) == counts
