from django import template

from activities.selectors import closing_showcase

register = template.Library()


@register.simple_tag
def closing_showcase_of(session):
    """`{% closing_showcase_of session as pieces %}`: the closing ceremony's showcase, each piece with
    its reaction counts (`piece.reaction_view`; no names: the ceremony is the whole camp's)."""
    from activities.services.reactions import reactions_for

    pieces = closing_showcase(session)
    if pieces:
        views = reactions_for(pieces, viewer_participant=None, moderated=set())
        for piece in pieces:
            piece.reaction_view = views[piece.pk]
    return pieces
