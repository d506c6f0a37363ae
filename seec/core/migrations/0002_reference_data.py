"""Roles, and every ISO 3166-1 country with the SEEC region's facts."""

import pycountry
from django.db import migrations

from seec.core.region import REGION

ROLES = [
    "hotline_operator",
    "case_manager",
    "supervisor",
    "alert_authority",
    "liaison_officer",
    "regional_coordinator",
    "analyst",
    "administrator",
]


def load(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    Country = apps.get_model("core", "Country")
    for code in ROLES:
        Role.objects.get_or_create(code=code)
    for country in pycountry.countries:
        languages, scripts, status, operator = REGION.get(country.alpha_2, ([], [], "unknown", ""))
        Country.objects.update_or_create(
            code=country.alpha_2,
            defaults={
                "alpha3": country.alpha_3,
                # Short common names ("Moldova", not "Moldova, Republic of") read better in lists.
                "name": getattr(country, "common_name", country.name),
                "in_region": country.alpha_2 in REGION,
                "languages": languages,
                "scripts": scripts,
                "hotline_116000_status": status,
                "hotline_116000_operator": operator,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
