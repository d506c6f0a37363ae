"""The region's map as inline SVG, coloured by any fact of the country profiles.

The outlines are committed in data/region_map.json (Natural Earth, public domain; see
data/LICENCE.md and `manage.py build_region_map`): no tile server, CDN or script is needed,
so the map works on a closed network and prints.
"""

import json
import math
from functools import cache
from pathlib import Path

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .profiles import CountryProfile, MapTopic

DATA = Path(__file__).resolve().parent / "data" / "region_map.json"


@cache
def outlines() -> dict:
    return json.loads(DATA.read_text())


def lambert(lon: float, lat: float, centre: tuple[float, float]) -> tuple[float, float]:
    """Lambert azimuthal equal-area, on a sphere, around `centre` (lon, lat), in km."""
    lam, phi = math.radians(lon - centre[0]), math.radians(lat)
    phi0 = math.radians(centre[1])
    k = math.sqrt(
        2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam))
    )
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x * 6371.0, y * 6371.0


def to_map(lon: float, lat: float) -> tuple[float, float]:
    """Where a point lands on the region's map (SVG units), as the outlines were drawn."""
    p = outlines()["projection"]
    x, y = lambert(lon, lat, tuple(p["centre"]))
    return (x - p["minx"]) * p["scale"] + p["margin"], (p["maxy"] - y) * p["scale"] + p["margin"]


def km_on_map(km: float) -> float:
    """A distance on the ground in SVG units (the projection keeps areas; near enough here)."""
    return km * outlines()["projection"]["scale"]


def region_svg(topic: MapTopic, profiles: dict[str, CountryProfile], *, title: str) -> SafeString:
    """An accessible SVG: each country filled by its category, named, linked to its profile."""
    shapes = outlines()
    context = format_html_join(
        "", '<path d="{}" class="map-context"/>', ((d,) for d in shapes["context"])
    )
    countries = []
    for code, outline in sorted(shapes["countries"].items()):
        profile = profiles.get(code)
        if profile is None:
            continue
        category = topic.category_of(profile)
        name = str(profile.country)
        countries.append(
            format_html(
                '<a href="{href}" data-country="{code}" data-category="{key}">'
                "<title>{name}: {label}</title>"
                '<path d="{d}" fill="{colour}" class="map-country"/>'
                '<text x="{x}" y="{y}" class="map-label">{code}</text></a>',
                href=reverse("network:country", args=[code]) + f"?at={profile.at.isoformat()}",
                code=code,
                key=category.key,
                name=name,
                label=category.label,
                d=outline["path"],
                colour=category.colour,
                x=outline["label"][0],
                y=outline["label"][1],
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="region-map" '
        'role="img" aria-labelledby="region-map-title"><title id="region-map-title">{title}'
        '</title><rect width="{w}" height="{h}" class="map-sea"/>{context}{countries}</svg>',
        w=shapes["width"],
        h=shapes["height"],
        title=title,
        context=context,
        countries=SafeString("".join(countries)),
    )
