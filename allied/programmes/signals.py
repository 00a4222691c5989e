"""What programmes announce, for the apps built on them to react with their own actions.

Each signal is sent inside the transaction of the action that sends it, so a receiver's
changes commit or roll back with it; a receiver sends its emails with `on_commit`.
"""

from django.dispatch import Signal

# A place has been added to a cohort (`people_add`, `person_invite`, `participants_import`):
# kwarg `place`.
# Allyship marks a mentor who finished the programme's required training as trained.
place_added = Signal()
