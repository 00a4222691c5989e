from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts import totp
from allied.accounts.models import User
from allied.demo import organisation as demo
from allied.demo.history import COHORTS
from allied.demo.programmes import AUTUMN, PROGRAMME, SPRING
from allied.demo.workshops import FINISHED_TITLE, TITLE


class Command(BaseCommand):
    help = (
        "Load the fictional demo organisation (safe to run more than once) and print the sign-ins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="load without printing the sign-ins"
        )

    def handle(self, *args, quiet=False, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The demo is for trying Allied out; it is never loaded in production."
            )
        organisation = demo.load_demo()
        if quiet:
            return
        out = self.stdout
        out.write("")
        out.write(f"Demo organisation: {organisation.name}")
        out.write(f"Every demo account uses the password: {demo.DEMO_PASSWORD}")
        out.write("")
        for label, email in demo.SIGN_INS:
            user = User.objects.get(email=email)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            line = f"  {label:<24} {email}"
            if device:
                line += f"\n  {'':<24} two-factor setup key: {totp.secret_base32(device)}"
                line += f"\n  {'':<24} current code: .venv/bin/allied demo totp {email}"
            out.write(line)
        out.write("")
        out.write("NGT workshops (sign in as the facilitator):")
        out.write(f"  {TITLE}: a draft, ready to run live.")
        out.write(f"  {FINISHED_TITLE}: finished; build a mentoring model from its themes.")
        out.write("")
        out.write(f"Mentoring programme: {PROGRAMME}")
        past = ", ".join(cohort.name for cohort in COHORTS)
        out.write(f"  {past}: finished cohorts, so the dashboard shows real figures.")
        out.write(f"  {SPRING}: the demo mentor and mentee are meeting (sign in as either).")
        out.write(f"  {AUTUMN}: intake is open; the coordinator can run matching on it.")
        out.write("")
