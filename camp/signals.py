"""Signals other apps listen to, so that camp does not import them."""

from django.dispatch import Signal

# A youth lost the right to take part: guardian consent withdrawn, join code revoked (a lost card),
# or removed from the roster. Sent after the transaction commits, with `user` (the youth's account).
# The live room closes the youth's open sockets; the calendars revoke the youth's feeds.
youth_access_revoked = Signal()
