"""Reference figures for the three checks on the real layers of ../shared/data/dortmund,
computed with GeoPandas/Shapely 2, independent of the toolkit.

Run with the peer venv of ../shared/bench (setup-peers.sh), from the repository root:

    /tmp/peervenv/bin/python Tests/UrbanAnalysisTests/Reference/real_checks.py > Tests/UrbanAnalysisTests/Reference/real_checks.json

1. Of the 109,700 addresses (kor-addrlink, CSV, RW/HW in EPSG:25832), how many lie within
   500 m of a Stadtbahn stop (vrr-gtfs-dortmund-index, stops whose `lines` include U4 plus a
   digit): `radius` (distance <= 500 m to the nearest such stop) and `buffer-union` (covered by
   the union of 500 m buffers with 8 segments per quarter circle), in all and per Stadtbezirk
   (the address's point in the district, smallest id on a shared edge).
2. Kilometres of the RS1 (radschnellwege) in each Stadtbezirk (EPSG:25832 lengths of the
   route's intersection with each district).
3. Which DB stations lie in which Stadtbezirk.
"""
import json, re
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

base = "../shared/data/dortmund"
districts = gpd.read_file(f"{base}/stadtbezirke-fjonnw/dortmund_stadtbezirke_epsg25832.geojson").to_crs(25832)
districts["id"] = districts["stbeznr"].astype(str)
dgeom = districts.geometry.values
dids = districts["id"].to_numpy()
dtree = shapely.STRtree(dgeom)

def district_of(points):
    qi, di = dtree.query(points, predicate="intersects")
    out = np.full(len(points), None, dtype=object)
    for q, d in zip(qi, di):
        if out[q] is None or dids[d].encode() < out[q].encode():
            out[q] = dids[d]
    return out

addresses = pd.read_csv(f"{base}/kor-addrlink/dortmund_adressen.csv", dtype={"UBZ": str})
points = shapely.points(addresses["RW"].to_numpy(float), addresses["HW"].to_numpy(float))
stops = gpd.read_file(f"{base}/vrr-gtfs-dortmund-index/vrr_dortmund_stations.geojson").to_crs(25832)
u4 = stops[stops["lines"].fillna("").map(lambda s: re.search(r"U4[0-9]", s) is not None)]
sgeom = u4.geometry.values
stree = shapely.STRtree(sgeom)
# radius: the nearest U4x stop within 500 m (inclusive)
idx, dist = stree.query_nearest(points, return_distance=True, all_matches=False)
radius_served = np.zeros(len(points), dtype=bool)
radius_served[idx[0]] = dist <= 500.0
union = shapely.union_all(shapely.buffer(sgeom, 500, quad_segs=8))
shapely.prepare(union)
buffer_served = shapely.intersects(union, points)
dist_of = district_of(points)

def per_district(mask):
    out = {d: 0 for d in dids}
    for d, m in zip(dist_of, mask):
        if m and d is not None:
            out[d] += 1
    return out

rs1 = gpd.read_file(f"{base}/radschnellwege/rs1_radschnellweg_ruhr.geojson").to_crs(25832).geometry.values[0]
rs1_km = {d: float(shapely.length(shapely.intersection(rs1, g)) / 1000) for d, g in zip(dids, dgeom)}

stations = gpd.read_file(f"{base}/db-stations/dortmund_db_stations.geojson").to_crs(25832)
station_district = dict(zip(stations["name"], district_of(stations.geometry.values)))

print(json.dumps({
    "generator": "geopandas %s, shapely %s (GEOS %s)" % (gpd.__version__, shapely.__version__, shapely.geos_version_string),
    "u4_stops": int(len(u4)),
    "addresses": int(len(points)),
    "addresses_in_districts": int(sum(d is not None for d in dist_of)),
    "served_radius_500": int(radius_served.sum()),
    "served_buffer_union_500_q8": int(buffer_served.sum()),
    "served_radius_500_by_district": per_district(radius_served),
    "served_buffer_union_500_q8_by_district": per_district(buffer_served),
    "rs1_km_by_district": rs1_km,
    "db_station_district": station_district,
}, indent=1, ensure_ascii=False))
