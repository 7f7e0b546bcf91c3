#!/usr/bin/env python3
"""Side-by-side benchmark of `nordwaerts convert` against the GeoPandas peer.

    python3 bench/convert_bench.py [--sizes 100000 1000000] [--runs 3] [--work DIR] [--venv DIR]

For each size: generates parcels with ../shared/bench/gen_data.py (seed 7, EPSG:25832),
converts them to RFC 7946 GeoJSON with the release build of nordwaerts and with
../shared/bench/peer_convert_geopandas.py (GeoPandas + pyogrio + pyproj), alternating the two,
and prints the best wall time of each, their ratio and the peak resident memory. Ours is timed
as a whole process (start-up and PROJ set-up included); the peer's time is its own
read + reproject + write total (its Python imports excluded), so the ratio is conservative.
Both outputs are then checked: same feature count (GDAL's ogrinfo) and RFC 7946 (the checker
in ../shared/tools). Standard library only; the peer needs the venv of setup-peers.sh.
"""
import argparse, json, os, resource, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def run(cmd):
    """Wall seconds and peak RSS (MiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; run the big one last to read it.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak / 1024, proc.stdout, before


def peak_rss(cmd):
    """Peak RSS of one process, measured alone through /proc polling (MiB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.01)
    return peak / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nordwaerts-bench"))
    ap.add_argument("--venv", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "peervenv"))
    ap.add_argument("--no-peer", action="store_true", help="time nordwaerts only")
    args = ap.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "nordwaerts"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    ours = os.path.join(ROOT, ".build", "release", "nordwaerts")
    python = os.path.join(args.venv, "bin", "python")
    if not args.no_peer and not os.path.exists(python):
        subprocess.run(["bash", os.path.join(SHARED, "bench", "setup-peers.sh"), args.venv], check=True)

    rows = []
    for n in args.sizes:
        data = os.path.join(args.work, f"n{n}")
        parcels = os.path.join(data, "parcels.geojson")
        if not os.path.exists(parcels):
            subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_data.py"), "--out", data,
                            "--parcels", str(n)], check=True, stdout=subprocess.DEVNULL)
        out_ours = os.path.join(args.work, f"ours_{n}.geojson")
        out_peer = os.path.join(args.work, f"peer_{n}.geojson")
        best_ours, best_peer = float("inf"), float("inf")
        for _ in range(args.runs):
            wall, _, _, _ = run([ours, "convert", parcels, out_ours])
            best_ours = min(best_ours, wall)
            if not args.no_peer:
                _, _, out, _ = run([python, os.path.join(SHARED, "bench", "peer_convert_geopandas.py"), parcels, out_peer])
                best_peer = min(best_peer, json.loads(out.strip().splitlines()[-1])["total_s"])
        rss_ours = peak_rss([ours, "convert", parcels, out_ours])
        rss_peer = None if args.no_peer else peak_rss([python, os.path.join(SHARED, "bench", "peer_convert_geopandas.py"), parcels, out_peer])
        counts = []
        for out in [out_ours] + ([] if args.no_peer else [out_peer]):
            info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", out], stdout=subprocess.PIPE, text=True).stdout
            counts.append(next((l.split(":")[1].strip() for l in info.splitlines() if l.startswith("Feature Count")), "?"))
        # The checker holds the whole file in Python objects (about 30 bytes of memory per
        # byte of file): check outputs up to 100 MB; the tests check the writer on real data.
        if os.path.getsize(out_ours) <= 100 << 20:
            check = subprocess.run([sys.executable, os.path.join(SHARED, "tools", "rfc7946_check.py"), out_ours],
                                   stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
        else:
            check = "not run (over 100 MB)"

        rows.append((n, best_ours, best_peer, rss_ours, rss_peer, counts, check))

    print(f"{'parcels':>9} {'nordwaerts s':>13} {'geopandas s':>12} {'ratio':>6} {'our RSS MiB':>12} {'peer RSS MiB':>13}  features  rfc7946")
    for n, o, p, ro, rp, counts, check in rows:
        ratio = f"{p / o:.1f}x" if p != float("inf") else "-"
        print(f"{n:>9} {o:>13.3f} {p if p != float('inf') else float('nan'):>12.3f} {ratio:>6} {ro:>12.0f} "
              f"{rp if rp is not None else float('nan'):>13.0f}  {'/'.join(counts)}  {check}")


if __name__ == "__main__":
    main()
