"""Writes the notebooks of this folder from the cells below (so that they are reviewed as code).

    python notebooks/make_notebooks.py
"""
from pathlib import Path
import nbformat
from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell

here = Path(__file__).resolve().parent

setup = '''import json, os, shutil, subprocess, tempfile
from pathlib import Path
import geopandas as gpd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

repo = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
def find_cli():
    for candidate in [os.environ.get("NORDWAERTS"), shutil.which("nordwaerts"),
                      repo / ".build/release/nordwaerts", repo / ".build/debug/nordwaerts"]:
        if candidate and Path(candidate).exists():
            return str(Path(candidate).resolve())
    raise RuntimeError("nordwaerts not found: set NORDWAERTS or build it (swift build -c release)")
cli = find_cli()
data = Path(os.environ.get("NORDWAERTS_DATA") or repo / "datasets/dortmund").resolve()
work = Path(tempfile.mkdtemp(prefix="nordwaerts-nb-"))
print(cli, data, work)'''

default = new_notebook()
default.cells = [
    new_markdown_cell("# The default scenario\n\nRuns `nordwaerts run` on the embedded dataset (all of Dortmund, the five "
                      "Nordwärts districts marked; parcels and buildings are modelled, see datasets/README.md), reads "
                      "its outputs with GeoPandas, maps them, and checks what it shows."),
    new_code_cell(setup),
    new_code_cell('''out = work / "default"
run = subprocess.run([cli, "run", "--out", str(out), "--quiet"], capture_output=True, text=True)
assert run.returncode == 0, run.stderr
sorted(p.name for p in out.iterdir())'''),
    new_code_cell('''table = pd.read_csv(out / "districts.csv", dtype={"id": str})
districts = gpd.read_file(out / "districts.geojson")
parcels = gpd.read_file(out / "parcels.geojson")
potential = gpd.read_file(out / "potential.geojson")
catchments = gpd.read_file(out / "catchments.geojson")
# Every district is there, plus the Nordwärts and rest-of-city rows; no indicator is missing.
assert len(districts) == 12 and len(table) == 15
assert set(table.id) >= {"nordwaerts", "rest"}
columns = ["parcel_area_m2", "landuse_entropy", "served_share", "grz_area_weighted", "residents_in_reach_share", "solar_mwh_per_a"]
assert not table[columns].isna().any().any(), table[columns]
assert table.served_share.between(0, 1).all() and table.landuse_entropy.between(0, 1).all()
assert len(parcels) == 10000 and parcels.crs.to_epsg() == 4326
table[["name"] + columns].round(3)'''),
    new_code_cell('''north, rest = table.set_index("id").loc["nordwaerts"], table.set_index("id").loc["rest"]
print(f"served share of parcel area: Nordwärts {north.served_share:.1%}, rest of the city {rest.served_share:.1%}")
print(f"residents within reach: Nordwärts {north.residents_in_reach_share:.1%}, rest {rest.residents_in_reach_share:.1%}")'''),
    new_code_cell('''fig, axes = plt.subplots(1, 2, figsize=(14, 6))
utm = districts.to_crs(25832)
utm.plot(column="served_share", cmap="viridis", legend=True, ax=axes[0], edgecolor="white")
utm[utm.nordwaerts == True].boundary.plot(ax=axes[0], color="black", linewidth=2)
axes[0].set_title("Served share of parcel area (Nordwärts outlined)")
utm.boundary.plot(ax=axes[1], color="grey", linewidth=0.5)
catchments.to_crs(25832).plot(ax=axes[1], column="mode", alpha=0.3, legend=True)
top = potential.to_crs(25832).head(20)
top.plot(ax=axes[1], color="red")
axes[1].set_title("Catchments and the 20 best development-potential parcels")
for ax in axes: ax.set_axis_off()
fig.savefig(work / "default.png", dpi=80)
assert (work / "default.png").stat().st_size > 10000'''),
]

sweep = new_notebook()
sweep.cells = [
    new_markdown_cell("# Catchment radius sweep\n\nRuns the catchment analysis for radii from 300 to 800 m (every stop, "
                      "`buffer-union` with 8 segments per quarter circle) and plots the served share of parcel area per "
                      "district. A larger radius can only serve more, so the served share never falls as the radius grows: "
                      "the notebook checks that."),
    new_code_cell(setup),
    new_code_cell('''import yaml
radii = [300, 400, 500, 600, 700, 800]
rows = []
for r in radii:
    scenario = {
        "inputs": {"districts": {"path": str(data / "stadtbezirke.geojson")},
                   "parcels": {"path": str(data / "parcels.geojson")},
                   "stops": {"path": str(data / "vrr_stations.geojson")}},
        "analyses": [{"kind": "catchment", "modes": [{"name": "all", "radius": r}]}],
        "outputs": {"layers": ["districts"]},
    }
    path = work / f"radius-{r}.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    out = work / f"radius-{r}"
    run = subprocess.run([cli, "run", str(path), "--out", str(out), "--quiet", "--force"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    t = pd.read_csv(out / "districts.csv", dtype={"id": str})
    t["radius_m"] = r
    rows.append(t[["id", "name", "radius_m", "served_share"]])
sweep = pd.concat(rows)
wide = sweep.pivot(index="radius_m", columns="name", values="served_share")
wide.round(3)'''),
    new_code_cell('''# Every district at every radius, no gaps; the served share never falls as the radius grows.
assert wide.shape == (6, 15) and not wide.isna().any().any()
assert (wide.diff().dropna() >= -1e-12).all().all(), wide.diff()
assert (wide.loc[800] > wide.loc[300]).all()'''),
    new_code_cell('''fig, ax = plt.subplots(figsize=(10, 6))
for name in wide.columns:
    style = dict(linewidth=3) if name in ("Nordwärts", "Rest of city") else dict(linewidth=1, alpha=0.6)
    ax.plot(wide.index, wide[name], marker="o", label=name, **style)
ax.set_xlabel("catchment radius (m)"); ax.set_ylabel("served share of parcel area")
ax.legend(fontsize=7, ncol=2); ax.grid(alpha=0.3)
fig.savefig(work / "sweep.png", dpi=80)'''),
]

for nb, name in [(default, "01-default-scenario.ipynb"), (sweep, "02-catchment-radius-sweep.ipynb")]:
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, here / name)
    print("wrote", name)
