"""What the programmes app does when a lower app announces something."""

from allied.programmes.actions import setup


def invitation_accepted(sender, invitation, user, request=None, **kwargs):
    setup.invitation_accepted(invitation=invitation, user=user)
