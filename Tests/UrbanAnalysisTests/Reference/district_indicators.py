"""Reference district indicators computed with GeoPandas/Shapely 2, independent of the toolkit.

Run with the peer venv of ../shared/bench (setup-peers.sh), from the repository root:

    V=/tmp/peervenv/bin/python
    $V Tests/UrbanAnalysisTests/Reference/district_indicators.py embedded > Tests/UrbanAnalysisTests/Reference/embedded_districts.csv
    python3 ../shared/bench/gen_data.py --out /tmp/gd10k --parcels 10000 --seed 7 --invalid-rate 0.01
    $V Tests/UrbanAnalysisTests/Reference/district_indicators.py /tmp/gd10k > Tests/UrbanAnalysisTests/Reference/gendata_10k_districts.csv

For `embedded` it also computes `served_share` (stage g) with the default catchment of the
scenario: each VRR stop gets 800 m when its `lines` name an S-Bahn/RE/RB line, 500 m when they
name U41-U49, else 300 m; the union of the buffers (8 segments per quarter circle); each
parcel's share of area inside it.

`embedded`: datasets/dortmund (parcels with buildings: GRZ/GFZ from footprints ∩ parcel,
districts = the real Stadtbezirke). A folder: ../shared/bench data (built_area_m2 and floors
attributes, districts.geojson), repaired as stage b (make_valid, polygonal part).

Per district (parcels joined by point_on_surface ∩ district, smallest id on ties):
parcel_count, parcel_area_m2, landuse_entropy (ln 8 divisor), mean_grz, grz_area_weighted,
gfz_area_weighted, potential-free columns only (the potential is tested by hand).
"""
import math, sys
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

arg = sys.argv[1]
if arg == "embedded":
    parcels = gpd.read_file("datasets/dortmund/parcels.geojson")
    districts = gpd.read_file("datasets/dortmund/stadtbezirke.geojson")
    buildings = gpd.read_file("datasets/dortmund/buildings.geojson")
else:
    parcels = gpd.read_file(f"{arg}/parcels.geojson")
    districts = gpd.read_file(f"{arg}/districts.geojson")
    buildings = None

geom = parcels.geometry.values
invalid = ~shapely.is_valid(geom)
def polygonal(g):
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = []
    def walk(x):
        if x.geom_type == "Polygon":
            parts.append(x)
        elif hasattr(x, "geoms"):
            for y in x.geoms:
                walk(y)
    walk(g)
    return shapely.MultiPolygon(parts)
geom = np.array([polygonal(shapely.make_valid(g)) if bad else g for g, bad in zip(geom, invalid)], dtype=object)
area = shapely.area(geom)

if buildings is not None:
    bgeom = buildings.geometry.values
    tree = shapely.STRtree(bgeom)
    pi, bi = tree.query(geom, predicate="intersects")
    parts = shapely.area(shapely.intersection(geom[pi], bgeom[bi]))
    floors = buildings["floors"].fillna(0).to_numpy(dtype=float)[bi]
    built = np.bincount(pi, weights=parts, minlength=len(geom))
    floor_area = np.bincount(pi, weights=parts * floors, minlength=len(geom))
else:
    built = parcels["built_area_m2"].to_numpy(dtype=float)
    floor_area = built * parcels["floors"].to_numpy(dtype=float)
with np.errstate(divide="ignore", invalid="ignore"):
    grz = np.where(area > 0, built / area, 0.0)

points = shapely.point_on_surface(geom)
dgeom = districts.geometry.values
dids = districts["id"].astype(str).to_numpy()
tree = shapely.STRtree(dgeom)
qi, di = tree.query(points, predicate="intersects")
assigned = np.full(len(geom), None, dtype=object)
for q, d in zip(qi, di):
    if assigned[q] is None or dids[d].encode() < assigned[q].encode():
        assigned[q] = dids[d]

served = None
if arg == "embedded":
    import re
    stops = gpd.read_file("datasets/dortmund/vrr_stations.geojson").to_crs(25832)
    rail = re.compile(r"(^|;)(S ?[0-9]+|RE ?[0-9]+|RB ?[0-9]+|de:nrw\.de:(s|re|rb)[0-9]+)( \([^;]*\))?(;|$)")
    u4 = re.compile(r"(^|;)U4[0-9](;|$)")
    radius = [800.0 if rail.search(l or "") else (500.0 if u4.search(l or "") else 300.0) for l in stops["lines"]]
    catchment = shapely.union_all(shapely.buffer(stops.geometry.values, radius, quad_segs=8))
    shapely.prepare(catchment)
    inside = shapely.area(shapely.intersection(geom, catchment))
    with np.errstate(divide="ignore", invalid="ignore"):
        served = np.where(area > 0, np.minimum(1.0, inside / area), 0.0)

df = pd.DataFrame({"district": assigned, "area": area, "landuse": parcels["landuse"].to_numpy(), "grz": grz,
                   "built": built, "floor": floor_area, "served": served if served is not None else np.zeros(len(geom))})
print("id,parcel_count,parcel_area_m2,landuse_entropy,mean_grz,grz_area_weighted,gfz_area_weighted" + (",served_share" if served is not None else ""))
for d in dids:
    s = df[df.district == d]
    S = s.area.sum()
    h = 0.0
    if S > 0:
        for a in s.groupby("landuse").area.sum():
            if a > 0:
                p = a / S
                h -= p * math.log(p)
        h /= math.log(8)
    print(",".join([d, str(len(s)), repr(float(S)), repr(float(h)), repr(float(s.grz.mean()) if len(s) else 0.0),
                    repr(float(s.built.sum() / S) if S > 0 else 0.0), repr(float(s.floor.sum() / S) if S > 0 else 0.0)]
                   + ([repr(float((s.area * s.served).sum() / S) if S > 0 else 0.0)] if served is not None else [])))
