"""Create the demo region: organisations and users of the 14 countries and the regional centre,
then each app's demo records.

Creates only what is missing, so `make run` can call it every time (an interrupted load goes on
where it stopped). Refuses production mode. `--region-only` makes the organisations and users
alone (a second); `make run` then serves at once and loads the rest in a second process, its
progress on the dashboard (seec/core/demo_progress.py).
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import module_has_submodule

from seec.core import demo_progress
from seec.core.models import Country, Organisation, OrganisationKind, Role, RoleCode, User

SEEC_NAME = "SEEC – Southeastern European Center for Missing and Exploited Children"

# Per country: (username prefix, roles, first name, last name).
COUNTRY_USERS = [
    ("operator", [RoleCode.HOTLINE_OPERATOR], "Hotline", "Operator"),
    ("manager", [RoleCode.CASE_MANAGER, RoleCode.SUPERVISOR], "Case", "Manager"),
    ("police", [RoleCode.ALERT_AUTHORITY, RoleCode.LIAISON_OFFICER], "Police", "Officer"),
]
SEEC_USERS = [
    ("coordinator.seec", [RoleCode.REGIONAL_COORDINATOR], "Regional", "Coordinator"),
    ("analyst.seec", [RoleCode.ANALYST], "Data", "Analyst"),
    ("admin", [RoleCode.ADMINISTRATOR], "Platform", "Administrator"),
]


class Command(BaseCommand):
    help = "Create the demo region (organisations and users) and its records; only what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--region-only",
            action="store_true",
            help="only the organisations and users (the records follow in a later run)",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="migrate the database first, in the same process (`make run`: Django starts "
            "once instead of twice before the web server can)",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production mode (SEEC_ENV=production).")
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        # One hash for every demo user: Argon2 is slow on purpose, and the password is public.
        # Hashed only if a user is missing: every `make run` calls this, and Argon2 is slow.
        password = SimpleLazyObject(lambda: make_password(settings.SEEC_DEMO_PASSWORD))
        roles = {role.code: role for role in Role.objects.all()}
        created = 0
        with transaction.atomic():
            seec, _ = Organisation.objects.get_or_create(
                name=SEEC_NAME, country=None, defaults={"kind": OrganisationKind.INTERNATIONAL}
            )
            for username, role_codes, first, last in SEEC_USERS:
                created += self.ensure_user(
                    username, seec, role_codes, first, last, password, roles
                )
            for country in Country.objects.filter(in_region=True):
                hotline, _ = Organisation.objects.get_or_create(
                    country=country,
                    kind=OrganisationKind.NATIONAL_CENTRE,
                    defaults={"name": self.hotline_name(country)},
                )
                police, _ = Organisation.objects.get_or_create(
                    country=country,
                    kind=OrganisationKind.POLICE,
                    defaults={"name": f"Police – {country.name} (demo)"},
                )
                cc = country.code.lower()
                for prefix, role_codes, first, last in COUNTRY_USERS:
                    org = police if prefix == "police" else hotline
                    created += self.ensure_user(
                        f"{prefix}.{cc}",
                        org,
                        role_codes,
                        first,
                        f"{last} {country.code}",
                        password,
                        roles,
                    )
        self.stdout.write(f"Demo region ready ({created} users created).")
        if options["region_only"]:
            return
        # Each app may add its demo data in a `demo.py` with `seed(stdout)`.
        for app in apps.get_app_configs():
            if app.name.startswith("seec.") and module_has_submodule(app.module, "demo"):
                demo_progress.report(app.label, 0, 0)
                import_module(f"{app.name}.demo").seed(self.stdout)
        demo_progress.report("", 0, 0, finished=True)

    @staticmethod
    def hotline_name(country: Country) -> str:
        if country.hotline_116000_operator:
            return f"{country.hotline_116000_operator} (demo)"
        return f"116 000 – {country.name} (demo)"

    @staticmethod
    def ensure_user(username, org, role_codes, first, last, password, roles) -> int:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "organisation": org,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.seec.invalid",
                "password": lambda: str(password),  # hashed only when created
                # The demo administrator also manages the libraries' own admin pages.
                "is_staff": username == "admin",
                "is_superuser": username == "admin",
            },
        )
        if created:
            user.roles.set([roles[code] for code in role_codes])
        return int(created)
