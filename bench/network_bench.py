#!/usr/bin/env python3
"""Walking distance on the street network, side by side: `nordwaerts network walk` against
networkx and pandana, in one run.

    python3 bench/network_bench.py [--sizes 100000] [--runs 2] [--work DIR] [--venv DIR] [--no-addresses]

Cases (cutoff 1,000 m, reading and graph building included in every time):
- `parcels N`: the N parcels of ../shared/bench/gen_data.py (seed 7; polygons, from their point
  on surface) to its stops (stadtbahn and rail every 700-900 m), on the street network that
  `nordwaerts generate --parcels N` draws for the same city (its grid scales with N);
- `addresses`: the 109,700 real address points of ../shared/data/dortmund/kor-addrlink (CSV,
  RW/HW in EPSG:25832) to the embedded dataset's 1,004 VRR stops, on the 100,000-parcel streets.

Peers, reading the same files: networkx (bench/peer_network_networkx.py: multi-source
Dijkstra with cutoff on edges split at the facilities, Shapely STRtree snapping; the same
definition, so walk_m is compared feature by feature to 1e-6 m) and pandana
(bench/peer_network_pandana.py: contraction hierarchies, preprocessing counted; nearest-node
semantics, so timed only). Each command is timed as a whole process (best of --runs), reaped
with wait4 for its exact end and CPU time, peak RSS polled from /proc. The venv needs networkx, shapely, pandana (pip install networkx shapely==2.2.0
pandana). Standard library only here.

pgRouting (bench/peer_network_pgrouting.py: PostGIS snapping, `pgr_withPointsDD` from every
stop; the same definition, compared to networkx like ours) runs when its throwaway server
answers (bench/setup-pgrouting.sh starts it; psycopg in the venv), else it is skipped with a
note; --no-pgrouting skips it. Its time includes loading the files into the server; its CPU is
the client's plus the server's (the cluster's processes, from /proc), its RSS the client's.
Every tool's user+sys CPU (of the best run, from its own rusage) is printed too.
"""
import argparse, csv, itertools, json, os, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
NW = os.path.join(ROOT, ".build", "release", "nordwaerts")


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one process, its stdout's last line, its CPU seconds (user + sys).

    The process is reaped with wait4, which gives its end to the microsecond and its own CPU
    time (polling for its end every 20 ms, as this script did before, added up to 20 ms to
    every wall time: a fifth of a 0.1 s run). Its peak RSS is VmHWM, polled from /proc every
    5 ms by another thread (wait4's ru_maxrss would also count this script's own size at the
    fork, which Linux carries across exec).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    streams, peak, running = {}, [0], [True]
    def drain(name, stream):
        streams[name] = stream.read().decode(errors="replace")
    def poll():
        while running[0]:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"): peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.005)
    helpers = [threading.Thread(target=drain, args=("out", proc.stdout)), threading.Thread(target=drain, args=("err", proc.stderr)),
               threading.Thread(target=poll)]
    for h in helpers: h.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    running[0] = False
    proc.returncode = os.waitstatus_to_exitcode(status)
    for h in helpers: h.join()
    out, err = streams.get("out", ""), streams.get("err", "")
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return wall, peak[0] / 1024, (out.strip().splitlines() or [""])[-1], usage.ru_utime + usage.ru_stime


def best(cmd, runs):
    """The fastest of `runs` runs. Each starts without the last run's output: ext4 writes a file
    out at once when it replaces another by rename (ours: temp file + rename) or truncation
    (the peers' open for writing), 6-7 ms for these CSVs, which a first run does not pay."""
    out = cmd[cmd.index("--out") + 1] if "--out" in cmd else None
    def run():
        if out and os.path.exists(out): os.remove(out)
        return timed(cmd)
    results = [run() for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def compare(ours, theirs):
    """Features compared, walk_m equal to 1e-6 m, and reached by one side only.

    The two files are read side by side, row by row: holding a million rows of each made this
    process 840 MiB, which every later fork copied (and slowed the runs timed after it)."""
    count = equal = differ = 0
    with open(ours) as fa, open(theirs) as fb:
        a, b = csv.DictReader(fa), csv.DictReader(fb)
        for x, y in itertools.zip_longest(a, b):
            assert x is not None and y is not None, f"{ours} and {theirs} differ in length"
            count += 1
            if x["walk_m"] == "" and y["walk_m"] == "": equal += 1
            elif x["walk_m"] and y["walk_m"] and abs(float(x["walk_m"]) - float(y["walk_m"])) <= 1e-6: equal += 1
            else: differ += 1
    return count, equal, differ


def load():
    """The machine's load average over the last minute (other engineers share it)."""
    return os.getloadavg()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[100000])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nordwaerts-network-bench"))
    ap.add_argument("--venv", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "networkvenv"))
    ap.add_argument("--no-addresses", action="store_true")
    ap.add_argument("--no-pandana", action="store_true")
    ap.add_argument("--no-pgrouting", action="store_true", help="skip the pgRouting peer")
    ap.add_argument("--pg-dsn", default=None, help="libpq DSN of the pgRouting server (default: bench/setup-pgrouting.sh's)")
    args = ap.parse_args()
    py = os.path.join(args.venv, "bin", "python")
    subprocess.run(["swift", "build", "-c", "release", "--product", "nordwaerts"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    os.makedirs(args.work, exist_ok=True)
    cases = []
    for n in args.sizes:
        data, city = f"{args.work}/gen{n}", f"{args.work}/city{n}"
        if not os.path.exists(f"{data}/parcels.geojson"):
            subprocess.run([sys.executable, f"{SHARED}/bench/gen_data.py", "--out", data, "--parcels", str(n)], check=True, stdout=subprocess.DEVNULL)
        if not os.path.exists(f"{city}/streets.geojson"):
            subprocess.run([NW, "generate", "--parcels", str(n), "--out", city], check=True, stderr=subprocess.DEVNULL)
        cases.append((f"parcels {n:,}", f"{city}/streets.geojson", f"{data}/stops.geojson", f"{data}/parcels.geojson", []))
    if not args.no_addresses:
        streets = f"{args.work}/city100000/streets.geojson"
        if not os.path.exists(streets):
            subprocess.run([NW, "generate", "--parcels", "100000", "--out", f"{args.work}/city100000"], check=True, stderr=subprocess.DEVNULL)
        stops = f"{args.work}/vrr_stops_25832.geojson"
        subprocess.run([NW, "convert", f"{ROOT}/datasets/dortmund/vrr_stations.geojson", stops, "--to", "EPSG:25832", "--precision", "3"],
                       check=True, stderr=subprocess.DEVNULL)
        cases.append(("addresses 109,700", streets, stops, f"{SHARED}/data/dortmund/kor-addrlink/dortmund_adressen.csv", ["--origins-from", "EPSG:25832"]))

    pgr = [py, f"{ROOT}/bench/peer_network_pgrouting.py"] + (["--dsn", args.pg_dsn] if args.pg_dsn else [])
    if not args.no_pgrouting:
        check = subprocess.run(pgr + ["--check"], capture_output=True, text=True)
        if check.returncode != 0:
            print(f"pgRouting skipped: {(check.stderr.strip().splitlines() or ['no answer'])[-1]}", flush=True)
            args.no_pgrouting = True
    rows = []
    for name, streets, stops, origins, extra in cases:
        out = f"{args.work}/out-{name.split()[0]}-{os.path.basename(os.path.dirname(origins))}"
        os.makedirs(out, exist_ok=True)
        common = [streets, "--facilities", stops, "--origins", origins, "--cutoff-m", "1000"]
        l0 = load()
        ours = best([NW, "network", "walk"] + common + extra + ["--out", f"{out}/swift.csv"], args.runs)
        nx = best([py, f"{ROOT}/bench/peer_network_networkx.py"] + common + ["--out", f"{out}/networkx.csv"], args.runs)
        pd = None if args.no_pandana else best([py, f"{ROOT}/bench/peer_network_pandana.py"] + common + ["--out", f"{out}/pandana.csv"], args.runs)
        pg = None if args.no_pgrouting else best(pgr + common + ["--out", f"{out}/pgrouting.csv"], args.runs)
        count, equal, differ = compare(f"{out}/swift.csv", f"{out}/networkx.csv")
        row = {"case": name, "swift_s": ours[0], "swift_rss": ours[1], "networkx_s": nx[0], "networkx_rss": nx[1],
               "pandana_s": pd[0] if pd else None, "pandana_rss": pd[1] if pd else None,
               "features": count, "equal": equal, "differ": differ, "load": max(l0, load()), "networkx_stages": nx[2]}
        row.update({"swift_cpu": ours[3], "networkx_cpu": nx[3], "pandana_cpu": pd[3] if pd else None})
        if pg:
            stages = json.loads(pg[2])
            _, pg_equal, pg_differ = compare(f"{out}/pgrouting.csv", f"{out}/networkx.csv")
            row.update({"pgrouting_s": pg[0], "pgrouting_rss": pg[1], "pgrouting_cpu": pg[3], "pgrouting_server_cpu": stages["server_cpu_s"],
                        "pgrouting_equal": pg_equal, "pgrouting_differ": pg_differ, "pgrouting_stages": pg[2]})
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print("| case | nordwaerts | networkx | ratio | pandana | ratio | CPU user+sys (ours / networkx, ratio) | peak RSS (ours / networkx / pandana) | walk_m = networkx (1e-6 m) | load |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |")
    for r in rows:
        pd_s = f"{r['pandana_s']:.2f} s" if r["pandana_s"] else "–"
        pd_r = f"{r['pandana_s'] / r['swift_s']:.1f}×" if r["pandana_s"] else "–"
        print(f"| {r['case']} | {r['swift_s']:.2f} s | {r['networkx_s']:.2f} s | {r['networkx_s'] / r['swift_s']:.1f}× | {pd_s} | {pd_r} | "
              f"{r['swift_cpu']:.2f} / {r['networkx_cpu']:.2f} s, {r['networkx_cpu'] / r['swift_cpu']:.1f}× | "
              f"{r['swift_rss']:.0f} / {r['networkx_rss']:.0f} / {r['pandana_rss'] or 0:.0f} MiB | {r['equal']:,} of {r['features']:,} | {r['load']:.1f} |")

    print()
    print("| case | CPU user+sys: nordwaerts | networkx | pandana | pgRouting client + server | load |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        pd_c = f"{r['pandana_cpu']:.2f} s" if r["pandana_cpu"] is not None else "–"
        pg_c = f"{r['pgrouting_cpu']:.2f} + {r['pgrouting_server_cpu']:.2f} s" if "pgrouting_s" in r else "–"
        print(f"| {r['case']} | {r['swift_cpu']:.2f} s | {r['networkx_cpu']:.2f} s | {pd_c} | {pg_c} | {r['load']:.1f} |")
    if any("pgrouting_s" in r for r in rows):
        print()
        print("| case | nordwaerts | pgRouting (loading included) | ratio | CPU ours / pgRouting client + server | RSS ours / pgRouting client | walk_m = networkx (1e-6 m) | load |")
        print("| --- | ---: | ---: | ---: | --- | --- | --- | ---: |")
        for r in rows:
            if "pgrouting_s" not in r: continue
            print(f"| {r['case']} | {r['swift_s']:.2f} s | {r['pgrouting_s']:.2f} s | {r['pgrouting_s'] / r['swift_s']:.1f}× | "
                  f"{r['swift_cpu']:.2f} / {r['pgrouting_cpu']:.2f} + {r['pgrouting_server_cpu']:.2f} s | {r['swift_rss']:.0f} / {r['pgrouting_rss']:.0f} MiB | "
                  f"{r['pgrouting_equal']:,} of {r['features']:,} | {r['load']:.1f} |")


if __name__ == "__main__":
    main()
