"""What programmes announce, for the apps built on them to react with their own actions.

Each signal is sent inside the transaction of the action that sends it, so a receiver's
changes commit or roll back with it; a receiver sends its emails with `on_commit`.
"""

from django.dispatch import Signal

# A place has left its cohort (`participant_withdraw`): kwargs `place`, `by`, `request`.
# Circles end the place's membership and take away any circle it facilitates.
participant_withdrawn = Signal()
