"""A youth's photos and short videos: the type is read from the content (never the name), sizes are
capped, photos are re-encoded without their EXIF (a phone writes where the child lives into it),
videos re-muxed without their metadata (activities.services.video), thumbnails and posters made,
and nothing is stored from a file that fails a check."""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from activities.models import Upload
from activities.services.video import video_clean
from camp.errors import DomainError
from camp.models import Participant

# A phone photo is 2–6 MB; a short clip from a phone is 20 MB at most (courses' attachment limit).
# Tests monkeypatch these to try the limits with small files.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
VIDEO_MAX_BYTES = 20 * 1024 * 1024
UPLOADS_PER_DAY = 20
# Pixels beyond this are a decompression bomb, not a photo of calligraphy.
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 2048
THUMBNAIL_SIDE = 320
SNIFF_BYTES = 64
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# ISO base media brands phones record in: MP4 and QuickTime (iPhone).
VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"qt  ", b"3gp4", b"3gp5", b"dash"}


def local_day(participant: Participant):
    """Today in the youth's group's zone: check-ins and the daily cap count these days."""
    return timezone.localdate(timezone=participant.group.zone)


def _video_type(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in VIDEO_BRANDS:
            return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def _photo_bytes(data: bytes) -> tuple[bytes, bytes]:
    """The photo re-encoded as JPEG without metadata (turned upright first), and its thumbnail."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise DomainError(_("Send a photo as JPEG, PNG or WebP."), code="photo_format")
            width, height = probe.size
            if width * height > PHOTO_MAX_PIXELS:
                raise DomainError(_("The photo has too many pixels."), code="photo_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            else:
                image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            # No exif=, no icc_profile=: Pillow writes none of the original's metadata.
            image.save(out, "JPEG", quality=85, optimize=True)
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            thumb = io.BytesIO()
            image.save(thumb, "JPEG", quality=80)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            _("This photo is damaged or not a photo; nothing was saved."), code="photo_broken"
        ) from None
    return out.getvalue(), thumb.getvalue()


def _read(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def upload_check(file, *, kinds=(Upload.Kind.PHOTO, Upload.Kind.VIDEO)) -> tuple[str, str, bytes, bytes]:
    """(kind, content type, bytes to store, thumbnail bytes) of a file that passed, or DomainError."""
    if file is None:
        raise DomainError(_("Choose a photo or a video."), code="required")
    size = file.size or 0
    if not size:
        raise DomainError(_("The file is empty; nothing was saved."), code="empty")
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    video_type = _video_type(head)
    if video_type:
        if Upload.Kind.VIDEO not in kinds:
            raise DomainError(_("Send a photo here, not a video."), code="kind")
        if size > VIDEO_MAX_BYTES:
            raise DomainError(
                _("The video is too large (%(size)s MiB); the limit is %(limit)s MiB. Send a shorter clip.")
                % {"size": _mib(size), "limit": f"{VIDEO_MAX_BYTES / 1024 / 1024:g}"},
                code="too_large",
            )
        clean, poster = video_clean(_read(file), video_type)
        return Upload.Kind.VIDEO, video_type, clean, poster
    if Upload.Kind.PHOTO not in kinds:
        raise DomainError(_("Send a video here (MP4, MOV or WebM)."), code="kind")
    if size > PHOTO_MAX_BYTES:
        raise DomainError(
            _("The photo is too large (%(size)s MiB); the limit is %(limit)s MiB.")
            % {"size": _mib(size), "limit": f"{PHOTO_MAX_BYTES / 1024 / 1024:g}"},
            code="too_large",
        )
    if not (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        if Upload.Kind.VIDEO in kinds:
            message = _(
                "This is neither a photo (JPEG, PNG, WebP) nor a video (MP4, MOV, WebM); nothing was saved."
            )
        else:
            message = _("This is not a photo (JPEG, PNG or WebP); nothing was saved.")
        raise DomainError(message, code="content")
    photo, thumb = _photo_bytes(_read(file))
    return Upload.Kind.PHOTO, "image/jpeg", photo, thumb


@transaction.atomic
def upload_store(*, participant: Participant, file, kinds=(Upload.Kind.PHOTO, Upload.Kind.VIDEO)) -> Upload:
    """Check and store a youth's file (the callers check the youth); the daily cap counts in the
    group's day. Callers that fail after this call `upload_discard` (a rollback keeps no row but
    would keep the files)."""
    kind, content_type, data, thumb = upload_check(file, kinds=kinds)
    # Lock the youth's row: two uploads at once must not both pass the cap.
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    day = local_day(participant)
    if Upload.objects.filter(participant=participant, day=day).count() >= UPLOADS_PER_DAY:
        raise DomainError(
            _("You have sent %(count)s files today, the most for one day. Try again tomorrow.")
            % {"count": UPLOADS_PER_DAY},
            code="daily_cap",
        )
    extension = {"image/jpeg": "jpg", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}[
        content_type
    ]
    upload = Upload(participant=participant, kind=kind, content_type=content_type, size=len(data), day=day)
    upload.file.save(f"work.{extension}", ContentFile(data), save=False)
    try:
        if thumb:
            upload.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
        upload.full_clean()
        upload.save()
    except Exception:
        upload_discard(upload)
        raise
    return upload


def upload_discard(upload: Upload | None) -> None:
    """Remove a stored upload's files (and its row if it was saved): a later check failed."""
    if upload is None:
        return
    upload_files_delete(Upload, upload)
    if upload.pk:
        Upload.objects.filter(pk=upload.pk).delete()


def upload_files_delete(sender, instance: Upload, **kwargs) -> None:
    """post_delete: the files of a deleted upload go once the deletion is committed."""
    names = [(field.storage, field.name) for field in (instance.file, instance.thumbnail) if field.name]

    def delete():
        for storage, name in names:
            storage.delete(name)

    if kwargs.get("signal") is None:
        delete()
    else:
        transaction.on_commit(delete)
