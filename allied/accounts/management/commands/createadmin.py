import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from allied.accounts.models import Membership, Organisation, Role, User


class Command(BaseCommand):
    help = "Create an organisation (if needed) and make a person its organisation admin."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--organisation", required=True, help="the organisation's name")
        parser.add_argument("--name", default="", help="the admin's full name")

    def handle(self, *args, email, organisation, name, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        slug = slugify(organisation)[:60]
        if not slug:
            raise CommandError("Give the organisation a name with letters or numbers in it.")
        with transaction.atomic():
            org, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": organisation})
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                password = getpass.getpass("Password for the new admin: ")
                if len(password) < 12:
                    raise CommandError("The password must be at least 12 characters.")
                user = User.objects.create_user(email, password, full_name=name or email)
            Membership.objects.get_or_create(user=user, organisation=org, role=Role.ORG_ADMIN)
        self.stdout.write(
            f"{user.email} is an organisation admin of {org.name}. They will set up two-factor authentication when they first sign in."
        )
