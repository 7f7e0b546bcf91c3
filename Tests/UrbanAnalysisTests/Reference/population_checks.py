"""Reference figures for residents from the Zensus 2011 grid on the embedded dataset,
computed with GeoPandas/Shapely 2, independent of the toolkit.

Run with the peer venv of ../shared/bench (setup-peers.sh), from the repository root:

    /tmp/peervenv/bin/python Tests/UrbanAnalysisTests/Reference/population_checks.py > Tests/UrbanAnalysisTests/Reference/population_checks.json

The rule (docs/analyses/population.md): each 1 km cell's residents (`pop_sum_agegroups`; per
age group `a_u18` … `a_65p`) times the share of its area inside the union of the 12
Stadtbezirke are spread equally over the address points inside the cell (an address in several
cells, on a shared edge, goes to the one listed first) that lie in a Stadtbezirk (the smallest
id on a shared edge); a cell without such an address is unassigned. Within reach: 500 m of a
Stadtbahn stop (VRR stops whose `lines` include U4 plus a digit), `radius` (distance <= 500 m)
and `buffer-union` (covered by the union of 500 m buffers, 8 segments per quarter circle).
Per district: residents and the 65+, in all and within reach by each method.
"""
import json, re
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

data = "datasets/dortmund"
districts = gpd.read_file(f"{data}/stadtbezirke.geojson").to_crs(25832)
dids = districts["id"].astype(str).to_numpy()
dgeom = districts.geometry.values
dtree = shapely.STRtree(dgeom)
city = shapely.union_all(dgeom)

cells = gpd.read_file(f"{data}/zensus2011_1km.geojson").to_crs(25832)
cgeom = cells.geometry.values
ctree = shapely.STRtree(cgeom)
inside = np.array([1.0 if city.covers(c) else shapely.intersection(c, city).area / c.area for c in cgeom])

addresses = pd.read_csv(f"{data}/addresses.csv", dtype={"UBZ": str})
points = shapely.points(addresses["RW"].to_numpy(float), addresses["HW"].to_numpy(float))

def first(tree_hits, n, key):
    out = np.full(n, -1)
    for q, i in zip(*tree_hits):
        if out[q] < 0 or key(i) < key(out[q]):
            out[q] = i
    return out

district_of = first(dtree.query(points, predicate="intersects"), len(points), lambda i: dids[i].encode())
cell_of = first(ctree.query(points, predicate="intersects"), len(points), lambda i: i)

stops = gpd.read_file(f"{data}/vrr_stations.geojson").to_crs(25832)
u4 = stops[stops["lines"].fillna("").map(lambda s: re.search(r"U4[0-9]", s) is not None)].geometry.values
_, dist = shapely.STRtree(u4).query_nearest(points, return_distance=True, all_matches=False)
served = {"radius": dist <= 500.0}
union = shapely.union_all(shapely.buffer(u4, 500, quad_segs=8))
shapely.prepare(union)
served["buffer-union"] = shapely.intersects(union, points)

measures = {"residents": "pop_sum_agegroups", "residents_65p": "a_65p"}
out = {"generator": "geopandas %s, shapely %s (GEOS %s)" % (gpd.__version__, shapely.__version__, shapely.geos_version_string),
       "u4_stops": int(len(u4)), "addresses": int(len(points)), "districts": {}, "totals": {}}
frame = pd.DataFrame({"cell": cell_of, "district": district_of, "radius": served["radius"], "buffer-union": served["buffer-union"]})
frame = frame[(frame.cell >= 0) & (frame.district >= 0)]
per_cell = frame.groupby("cell").size()
result = {d: {} for d in dids}
for name, field in measures.items():
    people = cells[field].to_numpy(float) * inside
    weight = frame.cell.map(lambda c: people[c] / per_cell[c]).to_numpy()
    for d_index, d in enumerate(dids):
        mask = (frame.district == d_index).to_numpy()
        result[d][name] = float(weight[mask].sum())
        for method in served:
            result[d][f"{name}_in_reach_{method}"] = float(weight[mask & frame[method].to_numpy()].sum())
    unassigned = sum(people[c] for c in range(len(cells)) if c not in per_cell.index)
    out["totals"][name] = {"input": float(cells[field].sum()), "outside": float((cells[field].to_numpy(float) * (1 - inside)).sum()),
                           "distributed": float(sum(people[c] for c in per_cell.index)), "unassigned": float(unassigned)}
out["districts"] = result
print(json.dumps(out, indent=1, ensure_ascii=False))
