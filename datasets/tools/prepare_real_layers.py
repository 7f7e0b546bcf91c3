#!/usr/bin/env python3
"""Copies the real layers of the embedded dataset from ../shared/data/dortmund (see its
SOURCES.md) into datasets/dortmund, as datasets/README.md describes. Standard library only.

    python3 datasets/tools/prepare_real_layers.py [SHARED_DATA_DIR]

- stadtbezirke.geojson: the 12 Stadtbezirke (EPSG:25832) with `id` (= stbeznr), `name` in
  its official spelling, `nordwaerts` (the five districts of the programme) and `population`
  (approximate, see datasets/README.md) added; geometry and the source's attributes unchanged.
- vrr_stations.geojson, db_stations.geojson, rs1.geojson: byte copies.
"""
import json, shutil, sys
from pathlib import Path

root = Path(__file__).resolve().parents[2]
shared = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data" / "dortmund"
out = root / "datasets" / "dortmund"
out.mkdir(parents=True, exist_ok=True)

# stbeznr -> (official name, residents, Nordwärts district)
DISTRICTS = {
    "00": ("Innenstadt-West", 54600, False),
    "04": ("Innenstadt-Nord", 60600, True),
    "07": ("Innenstadt-Ost", 57500, False),
    "1": ("Eving", 39400, True),
    "2": ("Scharnhorst", 47200, True),
    "3": ("Brackel", 56300, False),
    "4": ("Aplerbeck", 56300, False),
    "5": ("Hörde", 55600, False),
    "6": ("Hombruch", 57700, False),
    "7": ("Lütgendortmund", 48400, False),
    "8": ("Huckarde", 36300, True),
    "9": ("Mengede", 39400, True),
}

source = shared / "stadtbezirke-fjonnw" / "dortmund_stadtbezirke_epsg25832.geojson"
data = json.loads(source.read_text(encoding="utf-8"))
features = []
for f in sorted(data["features"], key=lambda f: f["properties"]["stbeznr"]):
    p = f["properties"]
    name, population, nordwaerts = DISTRICTS[p["stbeznr"]]
    props = {"id": p["stbeznr"], "name": name, "nordwaerts": nordwaerts, "population": population,
             "stbeznr": p["stbeznr"], "source_name": p["name"], "edatum": p["edatum"], "upload_am": p["upload_am"]}
    features.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
collection = {"type": "FeatureCollection", "name": "stadtbezirke", "crs": data["crs"], "features": features}
with open(out / "stadtbezirke.geojson", "w", encoding="utf-8") as fh:
    fh.write('{"type": "FeatureCollection", "name": "stadtbezirke", "crs": ' + json.dumps(data["crs"]) + ', "features": [\n')
    fh.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
    fh.write("\n]}\n")

for src, dst in [("vrr-gtfs-dortmund-index/vrr_dortmund_stations.geojson", "vrr_stations.geojson"),
                 ("db-stations/dortmund_db_stations.geojson", "db_stations.geojson"),
                 ("radschnellwege/rs1_radschnellweg_ruhr.geojson", "rs1.geojson")]:
    shutil.copyfile(shared / src, out / dst)
print("wrote", ", ".join(sorted(p.name for p in out.iterdir())))
