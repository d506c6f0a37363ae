"""A country's regions, by their ISO 3166-2 codes (from pycountry): an alert names the regions
it concerns (also sent as CAP geocodes) and a subscriber may take one region's alerts only."""

from functools import lru_cache

import pycountry


@lru_cache(maxsize=32)
def regions_of(country_code: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the country's top-level subdivisions, by name."""
    found = pycountry.subdivisions.get(country_code=country_code) or []
    return tuple(sorted(((s.code, s.name) for s in found if not s.parent_code), key=lambda r: r[1]))


def unknown(country_code: str, codes) -> list[str]:
    known = {code for code, _name in regions_of(country_code)}
    return sorted(set(codes) - known)
