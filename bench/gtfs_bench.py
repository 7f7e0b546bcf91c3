#!/usr/bin/env python3
"""Read a GTFS feed and count departures per station and mode group for one date:
`nordwaerts bench departures` against gtfs-kit (with pandas, the counting of
Tests/TransitTests/Reference/gtfs_kit_departures.py), side by side in one run.

Feeds: a generated one of VRR size (--stop-times, default 10,000,000 rows; written into a
temporary folder at bench time and deleted afterwards, never committed) and the real ones
gtfs-kit ships (Cairns, NYC subway; fetched by the tests into .build/gtfs-kit-data).
For each feed and tool: wall time of the whole process (best of --runs) and peak RSS
(wait4's ru_maxrss), and whether both counted the same departures.

    python3 bench/gtfs_bench.py [--stop-times 10000000] [--runs 1] [--venv DIR]

The peer's venv (gtfs_kit==13.0.1) is made when missing.
"""
import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "Tests", "TransitTests", "Reference")

PEER = r"""
import sys
sys.path.insert(0, sys.argv[1])
import gtfs_kit_departures as ref
result = ref.count(sys.argv[2], sys.argv[3].replace("-", ""))
with open(sys.argv[4], "w") as f:
    f.write("station_id,mode_group,departures\n")
    for key, n in sorted(result["departures"].items()):
        station, mode = key.rsplit("|", 1)
        f.write(f"{station},{mode},{n}\n")
"""


def generate(folder, stop_times, seed=7):
    """A feed shaped like the VRR's: stations with 2 platforms each, bus, tram, Stadtbahn and
    rail routes, 25 stops a trip, trips over the day on three services (weekday, Saturday,
    Sunday) with calendar_dates exceptions."""
    rnd = random.Random(seed)
    stations = 12_000
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "agency.txt"), "w") as f:
        f.write("agency_id,agency_name,agency_url,agency_timezone\nB,Bench,https://example.org,Europe/Berlin\n")
    with open(os.path.join(folder, "stops.txt"), "w") as f:
        f.write("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n")
        for s in range(stations):
            lat, lon = 51.0 + rnd.random(), 6.5 + rnd.random() * 1.5
            f.write(f"S{s},Station {s},{lat:.6f},{lon:.6f},1,\n")
            for p in range(2):
                f.write(f"S{s}:{p},Station {s} Steig {p + 1},{lat + p * 1e-4:.6f},{lon:.6f},0,S{s}\n")
    types = [3] * 70 + [700] * 10 + [900] * 8 + [401] * 6 + [109] * 4 + [106] * 2
    routes = 1_000
    with open(os.path.join(folder, "routes.txt"), "w") as f:
        f.write("route_id,agency_id,route_short_name,route_type\n")
        for r in range(routes):
            f.write(f"R{r},B,{r},{rnd.choice(types)}\n")
    with open(os.path.join(folder, "calendar.txt"), "w") as f:
        f.write("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n")
        f.write("WD,1,1,1,1,1,0,0,20260105,20261231\nSA,0,0,0,0,0,1,0,20260105,20261231\nSU,0,0,0,0,0,0,1,20260105,20261231\n")
    with open(os.path.join(folder, "calendar_dates.txt"), "w") as f:
        f.write("service_id,date,exception_type\nWD,20260107,2\nSU,20260107,1\nWD,20260114,2\nSA,20260114,1\n")
    per_trip = 25
    trips = stop_times // per_trip
    route_stops = [[rnd.randrange(stations) for _ in range(per_trip)] for _ in range(routes)]
    with open(os.path.join(folder, "trips.txt"), "w") as ft, open(os.path.join(folder, "stop_times.txt"), "w") as fs:
        ft.write("route_id,service_id,trip_id,direction_id\n")
        fs.write("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n")
        lines = []
        for t in range(trips):
            r = t % routes
            service = "WD" if t % 10 < 6 else ("SA" if t % 10 < 8 else "SU")
            d = t % 2
            ft.write(f"R{r},{service},T{t},{d}\n")
            start = 4 * 3600 + rnd.randrange(21 * 3600)
            seq = route_stops[r] if d == 0 else route_stops[r][::-1]
            for k, s in enumerate(seq):
                x = start + 90 * k
                time_text = f"{x // 3600:02d}:{x // 60 % 60:02d}:{x % 60:02d}"
                pickup = "1" if k == 0 and t % 97 == 0 else "0"
                lines.append(f"T{t},{time_text},{time_text},S{s}:{d},{k + 1},{pickup}\n")
            if len(lines) > 200_000:
                fs.write("".join(lines))
                lines.clear()
        fs.write("".join(lines))


def measure(command):
    """(seconds, peak RSS in MiB, exit status, CPU seconds: user + system) of a command."""
    started = time.perf_counter()
    p = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - started
    err = p.stderr.read().decode()
    if status != 0:
        print(err, file=sys.stderr)
    return elapsed, usage.ru_maxrss / 1024, status, usage.ru_utime + usage.ru_stime


def read_counts(path):
    with open(path) as f:
        return {(r["station_id"], r["mode_group"]): int(r["departures"]) for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stop-times", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "nordwaerts-gtfs-bench-venv"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--generated-dir", help="keep the generated feed here and reuse it when it is there (default: a temporary folder, deleted)")
    ap.add_argument("--no-generated", action="store_true", help="the real feeds only")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "-j", "2", "--product", "nordwaerts"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, ".build", "release", "nordwaerts")
    python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", args.venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "gtfs_kit==13.0.1"], check=True)
    peer = os.path.join(tempfile.gettempdir(), "nordwaerts_gtfs_peer.py")
    with open(peer, "w") as f:
        f.write(PEER)

    work = tempfile.mkdtemp(prefix="nordwaerts-gtfs-bench-")
    try:
        feeds = []
        if not args.no_generated:
            generated = args.generated_dir or os.path.join(work, "vrr-size")
            if not os.path.exists(os.path.join(generated, "stop_times.txt")):
                t = time.perf_counter()
                generate(generated, args.stop_times)
                print(f"generated {args.stop_times:,} stop_times in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            feeds.append((f"generated, {args.stop_times:,} stop_times", generated, "2026-03-04"))
        real = os.path.join(ROOT, ".build", "gtfs-kit-data")
        for name, date in [("cairns_gtfs.zip", "2014-05-28"), ("nyc_subway_gtfs.zip", "2024-12-18")]:
            if os.path.exists(os.path.join(real, name)):
                feeds.append((name, os.path.join(real, name), date))
        rows = []
        print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for label, path, date in feeds:
            ours_csv, peer_csv = os.path.join(work, "ours.csv"), os.path.join(work, "peer.csv")
            best = {}
            for _ in range(args.runs):
                for tool, command in [
                    ("nordwaerts", [binary, "bench", "departures", path, "--date", date, "--out", ours_csv]),
                    ("gtfs-kit", [python, peer, REFERENCE, path, date, peer_csv]),
                ]:
                    seconds, rss, status, cpu = measure(command)
                    print(f"{label}: {tool} {seconds:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} MiB, "
                          f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
                    if status != 0:
                        raise SystemExit(f"{tool} failed on {label}")
                    old = best.get(tool)
                    best[tool] = (min(seconds, old[0]) if old else seconds, max(rss, old[1]) if old else rss,
                                  min(cpu, old[2]) if old else cpu)
            same = read_counts(ours_csv) == read_counts(peer_csv)
            n = sum(read_counts(ours_csv).values())
            rows.append((label, date, n, best["nordwaerts"], best["gtfs-kit"], same))
        load = os.getloadavg()[0]
        print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores")
        print("| feed | date | departures | nordwaerts s | gtfs-kit s | wall ratio | nordwaerts CPU s | gtfs-kit CPU s | CPU ratio | nordwaerts MiB | gtfs-kit MiB | memory ratio | same counts |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for label, date, n, ours, theirs, same in rows:
            print(f"| {label} | {date} | {n:,} | {ours[0]:.2f} | {theirs[0]:.2f} | {theirs[0] / ours[0]:.1f}× | {ours[2]:.2f} | {theirs[2]:.2f} | "
                  f"{theirs[2] / ours[2]:.1f}× | {ours[1]:.0f} | {theirs[1]:.0f} | {theirs[1] / ours[1]:.1f}× | {'yes' if same else 'NO'} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
