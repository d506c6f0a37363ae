"""Builders of organisations and users for tests of every app."""

import itertools

from seec.core.models import Country, Organisation, OrganisationKind, Role, User

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_organisation(
    country_code: str | None = "GR", kind=OrganisationKind.NATIONAL_CENTRE, name: str | None = None
) -> Organisation:
    country = Country.objects.get(code=country_code) if country_code else None
    return Organisation.objects.create(
        name=name or f"Organisation {next(_counter)}", kind=kind, country=country
    )


def make_user(
    organisation: Organisation | None,
    *roles: str,
    username: str | None = None,
    password: str = PASSWORD,
    **fields,
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_counter)}",
        password=password,
        email=fields.pop("email", None) or f"{username or next(_counter)}@example.org",
        organisation=organisation,
        **fields,
    )
    user.roles.set(Role.objects.filter(code__in=roles))
    return User.objects.get(pk=user.pk)
