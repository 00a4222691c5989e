"""What mentoring announces, for the apps built on it to react with their own actions.

Each signal is sent inside the transaction of the action that sends it, so a receiver's
changes commit or roll back with it; a receiver sends its emails with `on_commit`.
"""

from django.dispatch import Signal

# A place has left its cohort (`participant_withdraw`, sent once its status is withdrawn):
# kwargs `place`, `by`, `request`.
# Circles end the place's membership and take away any circle it facilitates.
participant_withdrawn = Signal()

# A mentor or mentee has sent a review (`review_submit`): kwargs `review` and `data`, the
# form's cleaned data. Allyship keeps the mentee's answers on allyship, away from the mentor.
review_submitted = Signal()
