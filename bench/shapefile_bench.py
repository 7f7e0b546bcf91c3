#!/usr/bin/env python3
"""Side-by-side benchmark of reading a shapefile: `nordwaerts convert` against GeoPandas/pyogrio.

    python3 bench/shapefile_bench.py [--sizes 100000 1000000] [--runs 2] [--work DIR] [--venv DIR]

For each size: generates parcels with ../shared/bench/gen_data.py (seed 7, EPSG:25832), writes
them as a shapefile with GDAL's ogr2ogr (UTF-8), then converts the shapefile to RFC 7946 GeoJSON
with the release build of nordwaerts and with ../shared/bench/peer_convert_geopandas.py
(GeoPandas + pyogrio, whose wheel bundles a recent GDAL, + pyproj), alternating the two, and
prints the best wall time of each, their ratio and the peak resident memory; and reading alone:
`nordwaerts bench read` (every feature into a GEOS geometry, on all cores) against the peer's
read step (pyogrio's read_file into shapely geometries). nordwaerts converting the same parcels from GeoJSON is timed beside it, so
that the shapefile reader can be compared with the GeoJSON one. Ours is timed as a whole
process (start-up and PROJ set-up included); the peer's time is its own read + reproject +
write total (its Python imports excluded), so the ratio is conservative. The outputs are
checked for the same feature count (GDAL's ogrinfo). Standard library only; the peer needs the
venv of setup-peers.sh.
"""
import argparse, json, os, subprocess, sys

from convert_bench import ROOT, SHARED, peak_rss, run


def count(path):
    info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", path], stdout=subprocess.PIPE, text=True).stdout
    return next((l.split(":")[1].strip() for l in info.splitlines() if l.startswith("Feature Count")), "?")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[100000])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nordwaerts-bench"))
    ap.add_argument("--venv", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "peervenv"))
    args = ap.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "nordwaerts"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    ours = os.path.join(ROOT, ".build", "release", "nordwaerts")
    python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run(["bash", os.path.join(SHARED, "bench", "setup-peers.sh"), args.venv], check=True)
    peer = os.path.join(SHARED, "bench", "peer_convert_geopandas.py")

    rows = []
    for n in args.sizes:
        data = os.path.join(args.work, f"n{n}")
        parcels = os.path.join(data, "parcels.geojson")
        if not os.path.exists(parcels):
            subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_data.py"), "--out", data,
                            "--parcels", str(n)], check=True, stdout=subprocess.DEVNULL)
        shp = os.path.join(data, "parcels_shp", "parcels.shp")
        if not os.path.exists(shp):
            os.makedirs(os.path.dirname(shp), exist_ok=True)
            subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", shp, parcels], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out_ours = os.path.join(args.work, f"ours_shp_{n}.geojson")
        out_json = os.path.join(args.work, f"ours_geojson_{n}.geojson")
        out_peer = os.path.join(args.work, f"peer_shp_{n}.geojson")
        best = {"ours": float("inf"), "ours_geojson": float("inf"), "peer": float("inf"), "peer_read": float("inf"),
                "ours_read": float("inf"), "ours_read_geojson": float("inf")}
        for _ in range(args.runs):
            for key, source in (("ours_read", shp), ("ours_read_geojson", parcels)):
                _, _, out, _ = run([ours, "bench", "read", source])
                best[key] = min(best[key], json.loads(out.strip().splitlines()[-1])["seconds"])
            best["ours"] = min(best["ours"], run([ours, "convert", shp, out_ours])[0])
            _, _, out, _ = run([python, peer, shp, out_peer])
            timing = json.loads(out.strip().splitlines()[-1])
            best["peer"] = min(best["peer"], timing["total_s"])
            best["peer_read"] = min(best["peer_read"], timing["stages"]["read"])
            best["ours_geojson"] = min(best["ours_geojson"], run([ours, "convert", parcels, out_json])[0])
        rss_ours = peak_rss([ours, "convert", shp, out_ours])
        rss_peer = peak_rss([python, peer, shp, out_peer])
        rows.append((n, best, rss_ours, rss_peer, [count(out_ours), count(out_peer)]))

    print("read: `nordwaerts bench read` (all features into GEOS geometries, freed) against pyogrio's read_file (use_arrow)")
    print(f"{'parcels':>9} {'ours .shp s':>12} {'ours .geojson s':>16} {'pyogrio .shp s':>15} {'ratio':>6}")
    for n, b, _, _, _ in rows:
        print(f"{n:>9} {b['ours_read']:>12.3f} {b['ours_read_geojson']:>16.3f} {b['peer_read']:>15.3f} {b['peer_read'] / b['ours_read']:>5.1f}x")
    print("convert to RFC 7946 GeoJSON: `nordwaerts convert` (whole process) against peer_convert_geopandas.py (read + reproject + write)")
    print(f"{'parcels':>9} {'ours .shp s':>12} {'ours .geojson s':>16} {'geopandas .shp s':>17} "
          f"{'ratio':>6} {'our RSS MiB':>12} {'peer RSS MiB':>13}  features")
    for n, b, ro, rp, counts in rows:
        print(f"{n:>9} {b['ours']:>12.3f} {b['ours_geojson']:>16.3f} {b['peer']:>17.3f} "
              f"{b['peer'] / b['ours']:>5.1f}x {ro:>12.0f} {rp:>13.0f}  {'/'.join(counts)}")


if __name__ == "__main__":
    main()
