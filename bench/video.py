"""`python -m bench.video`: how many subscribers one Janus serves for a 720p simulcast teacher feed.

Starts Janus with the project's configuration (tests/live/janus.py, as the tests do), creates a
VideoRoom, and in Chromium (fake camera at 1280x720, VP8 simulcast, three layers) publishes the
teacher's feed; then adds subscribers in steps (one PeerConnection each, all in one headless page,
top layer, nothing rendered) and, at each step, measures for --seconds:

- Janus's CPU (its process's user+system time over wall time, in % of one core);
- egress: the bytes all subscribers received a second (getStats inbound-rtp), per subscriber.

This talks to Janus directly with the derived secrets (a bench, not the product: the product's
browsers go through the relay, which adds a little Python work per signalling message and none
per media packet). The browser doing the subscribing shares the machine's cores with Janus, so
the ceiling found here is the machine's, not Janus's alone. One JSON line at the end, appended to
bench/results/video.jsonl unless --no-record.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaocamp.settings")
django.setup()

import psutil  # noqa: E402

from bench.common import emit, log  # noqa: E402
from live.video import config  # noqa: E402
from live.video.janus import JanusControl  # noqa: E402
from tests.live.janus import janus_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
JANUS_JS = ROOT / "static" / "vendor" / "janus-1.1.2.min.js"
ROOM = 990001

PAGE_JS = r"""
window.bench = { subs: [], ready: false };
window.benchStart = (url, secret, room, pin, publish) => new Promise((resolve, reject) => {
  Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter: { browserDetails: { browser: "chrome", version: 120 } } }),
    callback: () => {
      const janus = new Janus({ server: url, apisecret: secret, success: () => {
        window.bench.janus = janus;
        if (!publish) return resolve("ok");
        janus.attach({ plugin: "janus.plugin.videoroom", success: (h) => {
            window.bench.pub = h;
            h.send({ message: { request: "join", room, pin, ptype: "publisher", display: "teacher" } });
          },
          onmessage: (msg, jsep) => {
            if (msg.videoroom === "joined") {
              window.bench.feed = msg.id;
              window.bench.pub.createOffer({
                tracks: [{ type: "audio", capture: true, recv: false },
                         { type: "video", capture: { width: 1280, height: 720, frameRate: 30 }, recv: false, simulcast: true }],
                success: (offer) => window.bench.pub.send({ message: { request: "publish", bitrate: 2500000 }, jsep: offer }),
                error: reject });
            }
            if (jsep) { window.bench.pub.handleRemoteJsep({ jsep }); resolve("published"); }
          } });
      }, error: reject });
    } });
});
"""


def _subscribe_js():
    # janus.js's onmessage has no handle argument: answer through a closure per handle.
    return r"""
window.benchSubscribe = (room, pin, feed, count) => {
  for (let i = 0; i < count; i++) {
    let handle = null;
    window.bench.janus.attach({ plugin: "janus.plugin.videoroom",
      success: (h) => { handle = h; window.bench.subs.push(h);
        h.send({ message: { request: "join", room, pin, ptype: "subscriber", streams: [{ feed }] } }); },
      onmessage: (msg, jsep) => {
        if (jsep) handle.createAnswer({ jsep, tracks: [{ type: "data" }],
          success: (answer) => handle.send({ message: { request: "start", room }, jsep: answer }) });
      },
      onremotetrack: () => {} });
  }
};
window.benchSent = async () => {
  const layers = [];
  (await window.bench.pub.webrtcStuff.pc.getStats()).forEach((s) => {
    if (s.type === "outbound-rtp" && s.kind === "video")
      layers.push({ rid: s.rid, width: s.frameWidth, height: s.frameHeight, fps: s.framesPerSecond,
                    limited: s.qualityLimitationReason });
  });
  return layers;
};
window.benchBytes = async () => {
  let bytes = 0, connected = 0;
  for (const h of window.bench.subs) {
    const pc = h.webrtcStuff.pc;
    if (!pc) continue;
    const stats = await pc.getStats();
    let got = 0;
    stats.forEach((s) => { if (s.type === "inbound-rtp") got += s.bytesReceived || 0; });
    if (got > 0) connected += 1;
    bytes += got;
  }
  return [bytes, connected];
};
"""


def _janus_process():
    """The janus process tests.live.janus started (a child of this one)."""
    ours = [p for p in psutil.Process().children(recursive=True) if p.name() == "janus"]
    return ours[-1]


def _serve_page():
    """A blank page on http://127.0.0.1 (a secure context: getUserMedia works there, not on about:blank)."""
    import functools
    import http.server
    import tempfile
    import threading

    folder = tempfile.mkdtemp(prefix="bench-video-")
    Path(folder, "index.html").write_text("<!doctype html><title>bench</title>")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/index.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="1,5,10,20,30", help="subscriber counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement window per step")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    steps = [int(n) for n in args.steps.split(",")]

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.conftest import CHROMIUM

    results = []
    with janus_server() as url, sync_playwright() as playwright:
        room = ROOM
        pin = config.room_pin(room)
        with JanusControl(url) as janus:
            janus.request(
                {
                    "request": "create",
                    "room": room,
                    "admin_key": config.room_admin_key(),
                    "pin": pin,
                    "secret": config.room_secret(room),
                    "publishers": 6,
                    "bitrate": 2_500_000,
                    "videocodec": "vp8",
                    "is_private": True,
                }
            )
        janus_proc = _janus_process()
        # The bench pages (a blank page of our own) talk to Janus on 127.0.0.1 directly: Chromium's local
        # network access checks would refuse that (the product's pages are on the platform's origin).
        args_media = CHROMIUM_ARGS + [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,"
            "PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks",
        ]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args_media, headless=True)
        publisher = browser.new_page()
        page_url = _serve_page()
        publisher.goto(page_url)
        publisher.add_script_tag(path=str(JANUS_JS))
        publisher.add_script_tag(content=PAGE_JS + _subscribe_js())
        publisher.evaluate(
            "([u, s, r, p]) => benchStart(u, s, r, p, true)", [url, config.api_secret(), room, pin]
        )
        feed = publisher.evaluate("window.bench.feed")
        log(f"teacher feed {feed} published at 1280x720 simulcast")
        publisher.wait_for_timeout(3000)

        viewers = browser.new_page()
        viewers.goto(page_url)
        viewers.add_script_tag(path=str(JANUS_JS))
        viewers.add_script_tag(content=PAGE_JS + _subscribe_js())
        viewers.evaluate(
            "([u, s, r, p]) => benchStart(u, s, r, p, false)", [url, config.api_secret(), room, pin]
        )
        have = 0
        for target in steps:
            viewers.evaluate("([r, p, f, n]) => benchSubscribe(r, p, f, n)", [room, pin, feed, target - have])
            have = target
            viewers.wait_for_timeout(4000)  # ICE, DTLS, first keyframe
            bytes0, _c = viewers.evaluate("benchBytes()")
            cpu0, wall0 = sum(janus_proc.cpu_times()[:2]), time.monotonic()
            machine0 = psutil.cpu_times()
            time.sleep(args.seconds)
            bytes1, connected = viewers.evaluate("benchBytes()")
            cpu1, wall1 = sum(janus_proc.cpu_times()[:2]), time.monotonic()
            machine1 = psutil.cpu_times()
            wall = wall1 - wall0
            busy = (sum(machine1) - machine1.idle) - (sum(machine0) - machine0.idle)
            row = {
                "subscribers": target,
                "receiving": connected,
                "janus_cpu_pct_of_core": round(100 * (cpu1 - cpu0) / wall, 1),
                "egress_mbit_s": round(8 * (bytes1 - bytes0) / wall / 1e6, 2),
                "per_subscriber_kbit_s": round(8 * (bytes1 - bytes0) / wall / 1e3 / max(connected, 1), 0),
                "janus_cpu_pct_per_subscriber": round(100 * (cpu1 - cpu0) / wall / max(connected, 1), 2),
                "machine_busy_pct_of_2_cores": round(100 * busy / (sum(machine1) - sum(machine0)), 1),
            }
            row["teacher_layers"] = publisher.evaluate("benchSent()")
            log(json.dumps(row))
            results.append(row)
        browser.close()
    result = {"seconds": args.seconds, "steps": results, "load_average": os.getloadavg()}
    if args.no_record:
        print(json.dumps(result))
    else:
        emit("video", result)


if __name__ == "__main__":
    main()
