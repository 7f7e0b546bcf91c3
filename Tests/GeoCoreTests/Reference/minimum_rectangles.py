"""Reference values for GeoCore's minimum-area rectangle, computed with Shapely 2.

Run with the peer venv of ../shared/bench (setup-peers.sh):
    /tmp/peervenv/bin/python Tests/GeoCoreTests/Reference/minimum_rectangles.py > Tests/GeoCoreTests/Reference/minimum_rectangles.json

Shapely 2's `oriented_envelope` (`minimum_rotated_rectangle`) is the minimum-AREA rectangle
(GEOS >= 3.12 MinimumAreaRectangle); GEOS 3.11's C API has only the minimum-width one. The
polygons are random star-shaped polygons (seeded), some with many vertices, at UTM-sized
coordinates so that rounding is exercised as it is on real parcels.

Shapely's rectangle is not exact: on thin shapes GEOS 3.14 builds it a little off (it can
miss the polygon by 1e-7 m² and differ from the optimum by up to ~3e-4 of its area). So each
case also carries `exact_*`: the optimum by the theorem the algorithm rests on (Freeman &
Shapira 1975: an optimal rectangle has a side on a hull edge), found here by brute force over
every hull edge in O(h²), which shares no code with the toolkit's rotating calipers.
"""
import json, math, random
import shapely

rng = random.Random("nordwaerts-minimum-rectangles")
cases = []
for k in range(300):
    n = rng.choice([3, 4, 5, 6, 8, 12, 30, 100])
    cx, cy = 390000 + rng.uniform(0, 10000), 5708000 + rng.uniform(0, 8000)
    stretch = rng.uniform(1, 6)
    turn = rng.uniform(0, math.pi)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    pts = []
    for a in angles:
        r = rng.uniform(10, 60)
        x, y = r * math.cos(a) * stretch, r * math.sin(a)
        pts.append((round(cx + x * math.cos(turn) - y * math.sin(turn), 2),
                    round(cy + x * math.sin(turn) + y * math.cos(turn), 2)))
    poly = shapely.Polygon(pts)
    if not poly.is_valid or poly.area == 0:
        continue
    rect = shapely.oriented_envelope(poly)
    c = list(rect.exterior.coords)
    sides = sorted([math.dist(c[0], c[1]), math.dist(c[1], c[2])])
    hull = list(poly.convex_hull.exterior.coords)[:-1]
    best, options = None, []
    for i in range(len(hull)):
        (px, py), (qx, qy) = hull[i], hull[(i + 1) % len(hull)]
        e = math.hypot(qx - px, qy - py)
        ux, uy = (qx - px) / e, (qy - py) / e
        us = [x * ux + y * uy for x, y in hull]
        vs = [-x * uy + y * ux for x, y in hull]
        a, b = max(us) - min(us), max(vs) - min(vs)
        options.append((a * b, max(a, b), min(a, b)))
        if best is None or a * b < best[0]:
            best = options[-1]
    # Several optimal rectangles (a square's, or equal areas from two edges): only the area
    # is defined, not the sides.
    tie = any(abs(o[0] - best[0]) <= 1e-7 * best[0] and abs(o[1] - best[1]) > 1e-6 for o in options)
    cases.append({"wkt": poly.wkt, "area": rect.area, "length": sides[1], "width": sides[0],
                  "exact_area": best[0], "exact_length": best[1], "exact_width": best[2], "tie": tie})
print(json.dumps({"generator": "shapely %s (GEOS %s) oriented_envelope" % (shapely.__version__, shapely.geos_version_string),
                  "cases": cases}, indent=0))
