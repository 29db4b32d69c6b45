"""The class's recordings, watched after it (live/video/recordings.py checks who may)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from live.video.recordings import get_recording_for_user


@login_required
@require_GET
def recording(request, pk: int, recording_pk: int):
    _recording, path = get_recording_for_user(request.user, pk, recording_pk)
    response = FileResponse(path.open("rb"), content_type="video/webm")
    response["Cache-Control"] = "private, no-store"
    return response
