"""Recording the teacher's feed, and watching it after the class (docs/video.md, "Recording").

- The teacher's client asks to record its main feed (`configure` with `record`); the relay lets
  only the session's teacher do so, names the files itself (`recording_start`: JANUS_RECORDINGS_DIR
  / session-<id>-<stamp>; Janus writes one .mjr per stream there) and keeps the row.
- When the class ends (the VideoRoom is destroyed, so Janus closes the files) `recordings_convert`
  turns each recording into one WebM: janus-pp-rec per stream, then ffmpeg joins picture and sound.
  `manage.py recordings_convert` does it again for any left behind.
- `get_recording_for_user` is the view's access check: the room's own (`get_session_for_user`:
  the group's youth and coordinators, the teacher, the camp's organizers; 404 for other groups),
  and only once the class has ended and the file is ready.
"""

import logging
import shutil
import subprocess
import threading
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from live.models import LiveSession, Recording
from live.video.config import setting

logger = logging.getLogger(__name__)


def recordings_dir() -> Path:
    """JANUS_RECORDINGS_DIR, else `recordings` beside MEDIA_ROOT (never inside it: in DEBUG the media
    folder is served without any access check). Janus must be able to write there."""
    path = Path(setting("JANUS_RECORDINGS_DIR") or (Path(settings.MEDIA_ROOT).parent / "recordings"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def recording_start(*, session_id: int, member) -> str:
    """A new recording of the teacher's feed; returns the absolute file stem for Janus."""
    if member.role != "teacher":
        raise PermissionError("Only the session's teacher records.")
    now = timezone.now()
    base = f"session-{int(session_id)}-{now:%Y%m%d%H%M%S%f}"
    Recording.objects.create(session_id=session_id, base=base, started_at=now, started_by_id=member.user_id)
    return str(recordings_dir() / base)


def recording_stop(*, session_id: int) -> None:
    Recording.objects.filter(
        session_id=session_id, status=Recording.Status.RECORDING, stopped_at=None
    ).update(stopped_at=timezone.now())


def _run(args) -> bool:
    done = subprocess.run(args, capture_output=True, timeout=3600)
    if done.returncode != 0:
        logger.warning("live video: %s failed: %s", args[0], done.stderr[-500:])
    return done.returncode == 0


def recording_convert(recording: Recording) -> bool:
    """The .mjr files of one recording to `<base>.webm` (picture and sound). True when ready."""
    folder = recordings_dir()
    pp_rec = shutil.which("janus-pp-rec")
    ffmpeg = shutil.which("ffmpeg")
    videos = sorted(folder.glob(f"{recording.base}-video*.mjr"))
    audios = sorted(folder.glob(f"{recording.base}-audio*.mjr"))
    ok = bool(pp_rec and videos)
    video_out, audio_out = folder / f"{recording.base}.video.webm", folder / f"{recording.base}.audio.opus"
    out = folder / f"{recording.base}.webm"
    if ok:
        ok = _run([pp_rec, str(videos[0]), str(video_out)])
    if ok and audios and _run([pp_rec, str(audios[0]), str(audio_out)]) and ffmpeg:
        ok = _run(
            [
                ffmpeg,
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(video_out),
                "-i",
                str(audio_out),
                "-c",
                "copy",
                str(out),
            ]
        )
    elif ok:
        video_out.replace(out)  # no sound recorded (or no ffmpeg): the picture alone
    recording.status = Recording.Status.READY if ok and out.exists() else Recording.Status.FAILED
    recording.file = out.name if recording.status == Recording.Status.READY else ""
    recording.stopped_at = recording.stopped_at or timezone.now()
    recording.save(update_fields=["status", "file", "stopped_at"])
    for leftover in (video_out, audio_out):
        leftover.unlink(missing_ok=True)
    return recording.status == Recording.Status.READY


def recordings_convert(*, session_id: int | None = None) -> int:
    """Convert the recordings of ended classes (one session's, or all). Returns how many are ready."""
    pending = Recording.objects.filter(
        status__in=[Recording.Status.RECORDING, Recording.Status.CONVERTING],
        session__state__in=[LiveSession.State.ENDED, LiveSession.State.CANCELLED],
    )
    if session_id is not None:
        pending = pending.filter(session_id=session_id)
    ready = 0
    for recording in pending:
        Recording.objects.filter(pk=recording.pk).update(status=Recording.Status.CONVERTING)
        try:
            ready += recording_convert(recording)
        except Exception:
            logger.exception("live video: recording %s could not be converted", recording.pk)
            Recording.objects.filter(pk=recording.pk).update(status=Recording.Status.FAILED)
    return ready


def recordings_convert_later(session_id: int) -> None:
    """After the class: convert in a thread, off the request (the files close as the room goes)."""

    def work():
        from django.db import connection

        try:
            recordings_convert(session_id=session_id)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"recordings-{session_id}", daemon=True).start()


def recordings_for(session, member) -> list[Recording]:
    """The ready recordings a member of the room may watch (after the class)."""
    if member is None or session.state != LiveSession.State.ENDED:
        return []
    return list(session.recordings.filter(status=Recording.Status.READY))


def get_recording_for_user(user, pk, recording_pk) -> tuple[Recording, Path]:
    """The recording and its file, or 404 (another group's, the class not over, not ready)."""
    from live.access import get_session_for_user

    session, member = get_session_for_user(user, pk)
    recording = next((r for r in recordings_for(session, member) if r.pk == recording_pk), None)
    if recording is None:
        raise Http404
    path = recordings_dir() / recording.file
    if not recording.file or not path.is_file():
        raise Http404
    return recording, path
