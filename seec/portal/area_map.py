"""A child alert's area drawn on the region's map, as inline SVG from the platform's own
outlines (seec/network/regionmap.py, Natural Earth): no tile server, no script, prints."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from seec.network.regionmap import km_on_map, outlines, to_map

# The smallest stretch of map shown around an area (SVG units, about 3 km each).
MIN_SPAN = 120


def _area_shape(alert) -> tuple[str, tuple[float, float, float, float]] | None:
    """The SVG element of the alert's area, and its bounds on the map."""
    if alert.area_circle:
        lat, lon, radius = alert.area_circle
        x, y = to_map(lon, lat)
        r = max(km_on_map(radius), 2)
        element = format_html(
            '<circle cx="{}" cy="{}" r="{}" class="map-area"/>', f"{x:.1f}", f"{y:.1f}", f"{r:.1f}"
        )
        return element, (x - r, y - r, x + r, y + r)
    if alert.area_polygon:
        points = [to_map(lon, lat) for lat, lon in alert.area_polygon]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        d = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        return format_html('<polygon points="{}" class="map-area"/>', d), (
            min(xs), min(ys), max(xs), max(ys),
        )  # fmt: skip
    return None


def area_svg(alert) -> SafeString:
    """The map of the alert's area, or an empty string when it has none drawn."""
    shape = _area_shape(alert)
    if shape is None:
        return SafeString("")
    element, (x0, y0, x1, y1) = shape
    span = max(x1 - x0, y1 - y0, MIN_SPAN) * 1.6
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    shapes = outlines()
    context = format_html_join(
        "", '<path d="{}" class="map-context"/>', ((d,) for d in shapes["context"])
    )
    countries = format_html_join(
        "",
        '<path d="{}" class="{}"/>',
        (
            (outline["path"], "map-country map-home" if code == alert.country_id else "map-country")
            for code, outline in sorted(shapes["countries"].items())
        ),
    )
    title = _("Area of the alert: %(area)s") % {"area": alert.area_description}
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" '
        'class="area-map" role="img" aria-labelledby="area-map-title">'
        '<title id="area-map-title">{}</title>'
        '<rect x="-2000" y="-2000" width="5000" height="5000" class="map-sea"/>'
        "{}{}{}</svg>",
        f"{cx - span / 2:.1f} {cy - span / 2:.1f} {span:.1f} {span:.1f}", title, context,
        countries, element,
    )  # fmt: skip
