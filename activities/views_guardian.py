"""The child's approved showcase work on the guardian's page: the guardian has no account, so the
files are served behind their personal link (camp's `guardian_page` resolves it, rate-limited,
no-store, no Referer), only for an approved piece of this child (activities.access)."""

from django.http import Http404
from django.views.decorators.http import require_GET

from activities import access
from activities.views import _serve
from camp.views.guardian import guardian_page


@require_GET
@guardian_page
def guardian_piece_file(request, link, pk):
    piece = access.get_piece_for_guardian(link, pk)
    return _serve(piece.upload.file, piece.upload.content_type)


@require_GET
@guardian_page
def guardian_piece_thumbnail(request, link, pk):
    piece = access.get_piece_for_guardian(link, pk)
    if not piece.upload.thumbnail:
        raise Http404
    return _serve(piece.upload.thumbnail, "image/jpeg")
