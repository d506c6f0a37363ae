"""Make the region's map outlines (seec/network/data/region_map.json) from Natural Earth.

The committed file was made from the `world-atlas` package's countries-50m.json (Natural Earth
1:50m admin-0 countries, public domain; TopoJSON by Mike Bostock, ISC licence):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    manage.py build_region_map package/countries-50m.json

The outlines are projected (Lambert azimuthal equal-area, centred on the region), simplified
with shapely, and written as SVG path data, so that pages draw the map with no tile server,
CDN or JavaScript.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import unary_union

from seec.network.regionmap import lambert

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "region_map.json"

# ISO 3166-1 numeric codes of the region's 14 countries, as Natural Earth keys them.
REGION = {
    "008": "AL",
    "070": "BA",
    "100": "BG",
    "191": "HR",
    "196": "CY",
    "300": "GR",
    "498": "MD",
    "499": "ME",
    "807": "MK",
    "642": "RO",
    "688": "RS",
    "705": "SI",
    "792": "TR",
    "804": "UA",
}
# Natural Earth draws the north of Cyprus apart; the map shows the island as one country.
JOINED = {"N. Cyprus": "CY"}
# Natural Earth's de facto lines draw Crimea with Russia; the map follows the internationally
# recognised border (UN General Assembly resolution 68/262) and draws it with Ukraine.
CRIMEA = (32.3, 44.2, 36.8, 46.3)  # west, south, east, north
RUSSIA = "643"
CENTRE = (27.0, 42.0)  # longitude, latitude
BOUNDS = (10.0, 33.5, 46.0, 53.0)  # the part of the world drawn: west, south, east, north
WIDTH = 1000
TOLERANCE = 1.2  # simplification, in output units (about 1 km per unit)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as lists of (longitude, latitude)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indexes) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def geometry(arcs, item: dict):
    if item["type"] == "Polygon":
        rings = [ring(arcs, r) for r in item["arcs"]]
        return shape({"type": "Polygon", "coordinates": rings})
    if item["type"] == "MultiPolygon":
        polygons = [[ring(arcs, r) for r in p] for p in item["arcs"]]
        return shape({"type": "MultiPolygon", "coordinates": polygons})
    return None


def split_crimea(geom):
    """The parts of a multipolygon inside the Crimean peninsula, and the rest."""
    west, south, east, north = CRIMEA
    inside, rest = [], []
    for part in geom.geoms if isinstance(geom, MultiPolygon) else [geom]:
        point = part.representative_point()
        (inside if west <= point.x <= east and south <= point.y <= north else rest).append(part)
    return inside, MultiPolygon(rest)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area, on a sphere, around CENTRE (in km)."""
    return lambert(lon, lat, CENTRE)


def projected(geom):
    def polygon(p: Polygon) -> Polygon:
        return Polygon(
            [project(*c) for c in p.exterior.coords],
            [[project(*c) for c in hole.coords] for hole in p.interiors],
        )

    parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return MultiPolygon([polygon(p) for p in parts])


def path_data(geom, transform) -> str:
    commands = []
    parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    for part in parts:
        for coords in [part.exterior.coords, *(h.coords for h in part.interiors)]:
            points = [transform(x, y) for x, y in coords]
            head, *rest = points
            commands.append(
                f"M{head[0]:.1f} {head[1]:.1f}"
                + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest[:-1])
                + "Z"
            )
    return "".join(commands)


class Command(BaseCommand):
    help = "Build the region's map outlines from a world-atlas countries-50m.json."

    def add_arguments(self, parser):
        parser.add_argument("topojson", help="countries-50m.json of the world-atlas package")
        parser.add_argument("--output", default=str(OUTPUT))

    def handle(self, *args, **options):
        try:
            topology = json.loads(Path(options["topojson"]).read_text())
            items = topology["objects"]["countries"]["geometries"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Not a world-atlas countries file: {error}") from error
        arcs = decode_arcs(topology)
        west, south, east, north = BOUNDS
        window = Polygon([(west, south), (east, south), (east, north), (west, north)])
        members: dict[str, list] = {}
        context = []
        for item in items:
            geom = geometry(arcs, item)
            if geom is None or not geom.intersects(window):
                continue
            code = REGION.get(str(item.get("id"))) or JOINED.get(item["properties"]["name"])
            if str(item.get("id")) == RUSSIA:
                crimea, geom = split_crimea(geom)
                members.setdefault("UA", []).extend(crimea)
            clipped = geom.intersection(window)
            if code:
                members.setdefault(code, []).append(clipped)
            elif not clipped.is_empty:
                context.append(clipped)
        if set(members) != set(REGION.values()):
            missing = set(REGION.values()) - set(members)
            raise CommandError(f"Countries missing from the file: {sorted(missing)}")
        shapes = {code: projected(unary_union(parts)) for code, parts in members.items()}
        background = [projected(g) for g in context if g.geom_type in ("Polygon", "MultiPolygon")]
        everything = unary_union(list(shapes.values()))
        minx, miny, maxx, maxy = everything.bounds
        margin = 40
        scale = (WIDTH - 2 * margin) / (maxx - minx)
        height = round((maxy - miny) * scale + 2 * margin)

        def transform(x, y):
            return (x - minx) * scale + margin, (maxy - y) * scale + margin

        tolerance = TOLERANCE / scale
        out = {
            "source": "Natural Earth 1:50m admin-0 countries (public domain), via world-atlas "
            "2.0.2 (ISC licence, Mike Bostock); projected and simplified by build_region_map.",
            "width": WIDTH,
            "height": height,
            # How a longitude and latitude land on the map (regionmap.to_map): other pages
            # draw on it (a child alert's area).
            "projection": {
                "centre": list(CENTRE),
                "minx": minx,
                "maxy": maxy,
                "scale": scale,
                "margin": margin,
            },
            "countries": {},
            "context": [],
        }
        for code, geom in sorted(shapes.items()):
            simple = geom.simplify(tolerance, preserve_topology=True)
            # The label goes on the largest part (Greece's mainland, not Crete).
            parts = simple.geoms if isinstance(simple, MultiPolygon) else [simple]
            centroid = max(parts, key=lambda p: p.area).representative_point()
            label = transform(centroid.x, centroid.y)
            out["countries"][code] = {
                "path": path_data(simple, transform),
                "label": [round(label[0], 1), round(label[1], 1)],
            }
        for geom in background:
            simple = geom.simplify(tolerance, preserve_topology=True)
            if not simple.is_empty:
                out["context"].append(path_data(simple, transform))
        Path(options["output"]).write_text(json.dumps(out, separators=(",", ":")))
        size = Path(options["output"]).stat().st_size
        self.stdout.write(f"Wrote {options['output']} ({size // 1024} KiB).")
