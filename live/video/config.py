"""The video settings, the secrets derived from SECRET_KEY, and the Janus configuration files.

Settings (qiaocamp/settings.py reads them from the environment; README "Video"):

- ``JANUS_URL``: the Janus WebSocket API, e.g. ``ws://127.0.0.1:8188``. Empty (the default): no
  media server; the room shows the class's meeting link as before.
- ``JANUS_API_SECRET``, ``JANUS_ADMIN_SECRET``, ``JANUS_ROOM_ADMIN_KEY``: the secrets Janus is
  started with. Unset, each is derived from ``SECRET_KEY`` (HMAC-SHA256 of a fixed label), so the
  platform and ``manage.py janus_run`` agree without more configuration. Never sent to a browser.
- ``JANUS_ICE_SERVERS``: STUN/TURN for the browsers, ``stun:host:3478,turn:host:3478`` (comma
  separated). With ``JANUS_TURN_SECRET`` (coturn's ``static-auth-secret``) each page gets a TURN
  user name and password valid for ``JANUS_TURN_TTL`` seconds (coturn's REST-API scheme).
- ``JANUS_RTP_PORTS`` (``20000-40000``), ``JANUS_CONFIG_DIR`` (``.janus`` under the project).
"""

import base64
import hashlib
import hmac
import os
import string
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

TEMPLATES = Path(__file__).resolve().parent.parent / "janus"
CONFIG_FILES = ("janus.jcfg", "janus.transport.websockets.jcfg", "janus.plugin.videoroom.jcfg")
JANUS_LIB = Path("/usr/lib/x86_64-linux-gnu/janus")


def setting(name: str, default: str = "") -> str:
    """A video setting (qiaocamp/settings.py reads the environment); empty means the default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return str(value) if value not in (None, "") else default


def derived(label: str) -> str:
    """A secret of its own for `label`, from SECRET_KEY (urlsafe, 43 characters)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"qiaocamp.video.{label}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def janus_url() -> str:
    return setting("JANUS_URL").strip()


def enabled() -> bool:
    return bool(janus_url())


def api_secret() -> str:
    return setting("JANUS_API_SECRET") or derived("api-secret")


def admin_secret() -> str:
    return setting("JANUS_ADMIN_SECRET") or derived("admin-secret")


def room_admin_key() -> str:
    return setting("JANUS_ROOM_ADMIN_KEY") or derived("room-admin-key")


def room_id(session_id: int) -> int:
    """The VideoRoom of a live session (one per session; JANUS_ROOM_OFFSET keeps two platforms
    sharing one Janus apart)."""
    return int(setting("JANUS_ROOM_OFFSET", "0") or 0) + int(session_id)


def room_secret(room: int) -> str:
    """Needed to edit, kick, moderate and destroy the room: the server's only."""
    return derived(f"room-secret.{room}")


def room_pin(room: int) -> str:
    """Needed to join the room: the relay adds it to every join; browsers never see it."""
    return derived(f"room-pin.{room}")[:24]


def ice_servers(user_id: int, *, now: float | None = None) -> list[dict]:
    """STUN/TURN for one browser (RTCIceServer dicts). TURN entries get short-lived credentials
    when JANUS_TURN_SECRET is set (coturn: use-auth-secret + static-auth-secret)."""
    urls = [u.strip() for u in setting("JANUS_ICE_SERVERS").split(",") if u.strip()]
    secret = setting("JANUS_TURN_SECRET")
    servers = []
    for url in urls:
        entry: dict = {"urls": url}
        if url.startswith(("turn:", "turns:")) and secret:
            expires = int((now or time.time()) + int(setting("JANUS_TURN_TTL", "14400") or 14400))
            username = f"{expires}:qiaocamp-{user_id}"
            digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
            entry.update(username=username, credential=base64.b64encode(digest).decode())
        servers.append(entry)
    return servers


@dataclass(frozen=True)
class JanusFiles:
    directory: Path
    ws_port: int


def render_config(
    directory: Path,
    *,
    ws_port: int | None = None,
    ws_ip: str = "127.0.0.1",
    rtp_ports: str | None = None,
    debug_level: int = 3,
) -> JanusFiles:
    """Write the project's Janus configuration (live/janus/*.jcfg filled in) to `directory`."""
    if ws_port is None:
        ws_port = urlsplit(janus_url() or "ws://127.0.0.1:8188").port or 8188
    nat = []
    stun = setting("JANUS_STUN_SERVER")  # host:port, for Janus's own candidates behind NAT
    if stun:
        host, _, port = stun.partition(":")
        nat += [f'\tstun_server = "{host}"', f"\tstun_port = {int(port or 3478)}"]
    if setting("JANUS_NAT_1_1"):
        nat.append(f'\tnat_1_1_mapping = "{setting("JANUS_NAT_1_1")}"')
    values = {
        "configs_folder": str(directory),
        "plugins_folder": str(JANUS_LIB / "plugins"),
        "transports_folder": str(JANUS_LIB / "transports"),
        "events_folder": str(JANUS_LIB / "events"),
        "loggers_folder": str(JANUS_LIB / "loggers"),
        "debug_level": str(int(debug_level)),
        "api_secret": api_secret(),
        "admin_secret": admin_secret(),
        "room_admin_key": room_admin_key(),
        "rtp_port_range": rtp_ports or setting("JANUS_RTP_PORTS", "20000-40000"),
        "nat_extra": "\n".join(nat),
        "ws_port": str(int(ws_port)),
        "ws_ip": ws_ip,
        # Only this machine may talk to it when it listens on the loopback (the platform's relay).
        "ws_acl_line": '\tws_acl = "127.,::1"' if ws_ip in ("127.0.0.1", "::1", "localhost") else "",
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name in CONFIG_FILES:
        text = string.Template((TEMPLATES / name).read_text()).substitute(values)
        target = directory / name
        target.write_text(text)
        target.chmod(0o600)  # it holds the secrets
    return JanusFiles(directory, int(ws_port))


def config_dir() -> Path:
    return Path(setting("JANUS_CONFIG_DIR") or (Path(settings.BASE_DIR) / ".janus"))
