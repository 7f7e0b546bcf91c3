#!/usr/bin/env python3
"""GeoPackage benchmark: nordwaerts against pyogrio (GDAL in its wheel) and Debian's ogr2ogr,
side by side in one run.

    python3 bench/gpkg_bench.py [--sizes 100000 1000000] [--runs 3] [--work DIR] [--venv DIR]

For each size, parcels from ../shared/bench/gen_data.py (seed 7, EPSG:25832):
- write, layer in memory → GeoPackage with R-tree: `nordwaerts bench gpkg` against
  bench/peer_gpkg_pyogrio.py (GeoDataFrame.to_file with pyogrio); both time only the write
  (encoding, inserts, spatial index, file complete);
- read, GeoPackage → geometries in memory: the same two (GeoPackageReader with every geometry
  made in GEOS, against read_dataframe with every geometry made in Shapely/GEOS);
- convert, GeoJSON file → GeoPackage file as whole processes: `nordwaerts convert` against
  Debian's `ogr2ogr -f GPKG` (GDAL 3.6, spatial index on by default); wall time and the
  CPU time (user + system) of each, best of --runs (on a shared machine the CPU time is the
  steadier of the two; `load` is the 1-minute load average after the size's runs).
Runs alternate between the tools; the best of --runs is kept. Every GeoPackage written is
checked: ogrinfo's feature count, and (up to 200,000 features) GDAL's validate_gpkg.py.
The peer venv is made with pinned pyogrio, geopandas and shapely when missing.
"""
import argparse, json, os, resource, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
PINS = ["pyogrio==0.13.0", "geopandas==1.2.0", "shapely==2.2.0"]


def timed(cmd, cpu=None):
    """Wall seconds and stdout of one child; its user+sys CPU seconds go to cpu[0] when given."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return wall, proc.stdout


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


def count(path):
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", path], stdout=subprocess.PIPE, text=True).stdout
    return int([l for l in out.splitlines() if l.startswith("Feature Count:")][0].split(":")[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nordwaerts-gpkg-bench"))
    ap.add_argument("--venv", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nordwaerts-gpkg-venv"))
    args = ap.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "nordwaerts"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    ours = os.path.join(ROOT, ".build", "release", "nordwaerts")
    python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", args.venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *PINS], check=True)
    peer = os.path.join(ROOT, "bench", "peer_gpkg_pyogrio.py")
    os.makedirs(args.work, exist_ok=True)

    rows = []
    for n in args.sizes:
        data = os.path.join(args.work, f"n{n}")
        parcels = os.path.join(data, "parcels.geojson")
        if not os.path.exists(parcels):
            subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_data.py"), "--out", data, "--parcels", str(n)],
                           check=True, stdout=subprocess.DEVNULL)
        best = {k: float("inf") for k in ["ours_write", "peer_write", "ours_read", "peer_read", "ours_convert", "ogr2ogr",
                                          "ours_convert_cpu", "ogr2ogr_cpu"]}
        files = {k: os.path.join(args.work, f"{k}_{n}.gpkg") for k in ["ours", "peer", "convert", "ogr2ogr"]}
        gdal = ""
        for _ in range(args.runs):
            _, out = timed([ours, "bench", "gpkg", parcels, files["ours"]])
            r = last_json(out)
            best["ours_write"] = min(best["ours_write"], r["write_s"]); best["ours_read"] = min(best["ours_read"], r["read_s"])
            _, out = timed([python, peer, parcels, files["peer"]])
            r = last_json(out)
            gdal = f"pyogrio {r['pyogrio']}, GDAL {r['gdal']}"
            best["peer_write"] = min(best["peer_write"], r["write_s"]); best["peer_read"] = min(best["peer_read"], r["read_s"])
            for f in [files["convert"], files["ogr2ogr"]]:
                if os.path.exists(f):
                    os.remove(f)
            cpu = []
            wall, _ = timed([ours, "convert", parcels, files["convert"]], cpu)
            best["ours_convert"] = min(best["ours_convert"], wall)
            best["ours_convert_cpu"] = min(best["ours_convert_cpu"], cpu[-1])
            wall, _ = timed(["ogr2ogr", "-f", "GPKG", files["ogr2ogr"], parcels], cpu)
            best["ogr2ogr"] = min(best["ogr2ogr"], wall)
            best["ogr2ogr_cpu"] = min(best["ogr2ogr_cpu"], cpu[-1])
        for key, path in files.items():
            c = count(path)
            assert c == n, f"{key}: {c} features, expected {n}"
        if n <= 200000:
            for key in ["ours", "convert"]:
                v = subprocess.run(["/usr/bin/python3", VALIDATOR, files[key]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                assert v.returncode == 0 and not v.stdout.strip(), f"validate_gpkg.py on {key}: {v.stdout}"
        load = os.getloadavg()[0]
        rows.append((n, best, gdal, load))
        print(json.dumps({"parcels": n, **best, "peer": gdal, "load1": load}), flush=True)

    print()
    print("| parcels | write: ours | pyogrio | ratio | read: ours | pyogrio | ratio | convert: ours | ogr2ogr 3.6 | ratio "
          "| convert CPU (user+sys): ours | ogr2ogr | ratio | load |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, b, gdal, load in rows:
        print(f"| {n:,} | {b['ours_write']:.2f} s | {b['peer_write']:.2f} s | {b['peer_write'] / b['ours_write']:.1f}× "
              f"| {b['ours_read']:.2f} s | {b['peer_read']:.2f} s | {b['peer_read'] / b['ours_read']:.1f}× "
              f"| {b['ours_convert']:.2f} s | {b['ogr2ogr']:.2f} s | {b['ogr2ogr'] / b['ours_convert']:.1f}× "
              f"| {b['ours_convert_cpu']:.2f} s | {b['ogr2ogr_cpu']:.2f} s | {b['ogr2ogr_cpu'] / b['ours_convert_cpu']:.1f}× | {load:.1f} |")
    print(f"\npeer: {rows[0][2] if rows else ''}; ogr2ogr: {subprocess.run(['ogr2ogr', '--version'], stdout=subprocess.PIPE, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
