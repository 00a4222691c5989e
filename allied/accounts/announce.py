"""What the accounts app announces, for apps above it to act on with their own actions.

`invitation_accepted(invitation, user, request)`: sent inside the transaction that accepts an
invitation, once per invitation (not again when the same link is accepted twice). An app that
put something in `Invitation.then` reacts here: the programmes app adds the person to the
cohort they were invited to."""

from django.dispatch import Signal

invitation_accepted = Signal()
