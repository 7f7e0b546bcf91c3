"""Copies the Zensus 2011 grid and a compact form of Dortmund's address points from
../shared/data/dortmund (SOURCES.md §3 and §8) into datasets/dortmund. Run from the
repository root:

    python3 datasets/tools/prepare_population_layers.py

- zensus2011_1km.geojson, zensus2011_100m_innenstadt_nord.geojson: byte copies of the
  EPSG:25832 files of §8 (1 km cells touching the city, 100 m cells touching Innenstadt-Nord).
- addresses.csv: the 109,700 addresses of §3 with only their coordinates (RW, HW in
  EPSG:25832, unchanged) and statistical Unterbezirk (UBZ), in the source's order; street
  names and house numbers are left out to keep the file small.
"""
import csv, shutil

src = "../shared/data/dortmund"
out = "datasets/dortmund"
shutil.copyfile(f"{src}/zensus2011-grid/zensus2011_1km_alterkurz_dortmund_epsg25832.geojson", f"{out}/zensus2011_1km.geojson")
shutil.copyfile(f"{src}/zensus2011-grid/zensus2011_100m_alterkurz_innenstadt_nord_epsg25832.geojson",
                f"{out}/zensus2011_100m_innenstadt_nord.geojson")
with open(f"{src}/kor-addrlink/dortmund_adressen.csv", newline="", encoding="utf-8") as f, \
        open(f"{out}/addresses.csv", "w", newline="", encoding="utf-8") as g:
    w = csv.writer(g, lineterminator="\n")
    w.writerow(["RW", "HW", "UBZ"])
    n = 0
    for row in csv.DictReader(f):
        w.writerow([row["RW"], row["HW"], row["UBZ"]])
        n += 1
assert n == 109_700, n
print(f"{n} addresses")
