#!/usr/bin/env python3
"""The STANDARD PIPELINE side by side: nordwaerts against GeoPandas and PostGIS (and DuckDB on
request), on the same generated files, in one run.

    python3 bench/pipeline_bench.py [--sizes 10000 100000 1000000] [--runs 2] [--invalid-rate 0.01]
                                    [--peers geopandas postgis duckdb] [--work DIR] [--no-setup]

It builds the release binary, sets up the peers when missing (../shared/bench/setup-peers.sh,
PyPI; setup-postgis.sh starts a throwaway PostgreSQL), generates the data with gen_data.py,
runs every tool `--runs` times per size alternating between them (the fastest run counts),
checks each against GeoPandas with compare.py, and prints per-stage times, end-to-end wall
time (the whole process as a user waits for it, interpreter start and imports included),
CPU time, max RSS and the ratios of the peers' wall time to ours. Standard library only.

Measure when nothing else runs: the "other load" column says how many cores other processes
kept busy during each run (from /proc/stat); repeat runs where it is not near 0.
"""
import argparse, json, os, re, subprocess, sys, time
from pathlib import Path

root = Path(__file__).resolve().parents[1]
kit = root.parent / "shared" / "bench"


def busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - (v[4] if len(v) > 4 else 0)


def run_tool(name, command, data, out):
    """Runs one tool; returns its timing line enriched with wall, cpu, rss and other load."""
    out.mkdir(parents=True, exist_ok=True)
    argv = ["/usr/bin/time", "-v"] + command + ["--data", str(data), "--out", str(out)]
    t0, s0 = time.monotonic(), busy_ticks()
    p = subprocess.run(argv, capture_output=True, text=True)
    wall, s1 = time.monotonic() - t0, busy_ticks()
    if p.returncode != 0:
        sys.exit(f"{name} failed:\n{p.stderr[-3000:]}")
    record = json.loads(p.stdout.strip().splitlines()[-1])
    grab = lambda pattern: float((re.findall(pattern, p.stderr) or ["nan"])[-1])
    cpu = grab(r"User time \(seconds\): *([0-9.]+)") + grab(r"System time \(seconds\): *([0-9.]+)")
    record.update(name=name, wall_s=wall, cpu_s=cpu, max_rss_mib=grab(r"Maximum resident set size \(kbytes\): *([0-9]+)") / 1024,
                  other_load=max(0.0, (s1 - s0) / os.sysconf("SC_CLK_TCK") - cpu) / wall)
    return record


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", type=int, default=[10000, 100000])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--invalid-rate", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--peers", nargs="+", default=["geopandas", "postgis"])
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nordwaerts-pipeline-bench"))
    ap.add_argument("--venv", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "peervenv"))
    ap.add_argument("--no-setup", action="store_true", help="do not build or set up the peers")
    args = ap.parse_args()
    work, venv = Path(args.work), Path(args.venv)
    python = str(venv / "bin" / "python")
    if not args.no_setup:
        subprocess.run(["swift", "build", "-c", "release", "--product", "nordwaerts"], cwd=root, check=True)
        if not (venv / "bin" / "python").exists():
            subprocess.run([str(kit / "setup-peers.sh"), str(venv)], check=True)
        if "postgis" in args.peers:
            subprocess.run([str(kit / "setup-postgis.sh")], check=True, stdout=subprocess.DEVNULL)
    tools = {"nordwaerts": [str(root / ".build" / "release" / "nordwaerts"), "pipeline", "--quiet"],
             "geopandas": [python, str(kit / "peer_geopandas.py")],
             "postgis": [python, str(kit / "peer_postgis.py")],
             "duckdb": [python, str(kit / "peer_duckdb.py")]}
    names = ["geopandas"] + [p for p in args.peers if p != "geopandas"] + ["nordwaerts"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    print(f"# STANDARD PIPELINE, nordwaerts {commit} against {', '.join(names[:-1])}; {os.cpu_count()} cores; "
          f"invalid rate {args.invalid_rate}; best of {args.runs}")
    best = {}
    for n in args.sizes:
        data = work / f"n{n}-r{args.invalid_rate}"
        if not (data / "parcels.geojson").exists():
            subprocess.run([sys.executable, str(kit / "gen_data.py"), "--out", str(data), "--parcels", str(n),
                            "--invalid-rate", str(args.invalid_rate), "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        for run in range(args.runs):
            for name in names:
                r = run_tool(name, tools[name], data, work / f"out-{n}-{name}")
                print(f"  N={n} {name} run {run + 1}: wall {r['wall_s']:.2f} s, total {r['total_s']:.2f} s, other load {r['other_load']:.2f}",
                      file=sys.stderr)
                if (n, name) not in best or r["wall_s"] < best[(n, name)]["wall_s"]:
                    best[(n, name)] = r
        for name in names[1:]:
            skip = ["--skip-geojson"] if n >= 1000000 else []
            c = subprocess.run([sys.executable, str(kit / "compare.py"), str(work / f"out-{n}-geopandas"), str(work / f"out-{n}-{name}")] + skip,
                               capture_output=True, text=True)
            verdict = c.stdout.strip().splitlines()[-1] if c.stdout.strip() else c.stderr.strip()
            print(f"compare N={n} geopandas vs {name}: {verdict}")
            best[(n, name)]["compare"] = verdict
    # The table.
    cols = [(n, name) for n in args.sizes for name in names]
    stages = list(best[cols[0]]["stages"].keys())
    head = ["stage [s]"] + [f"N={n} {name}" for n, name in cols]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for s in stages:
        lines.append("| " + s + " | " + " | ".join(f"{best[c]['stages'].get(s, 0):.3f}" for c in cols) + " |")
    def row(label, f):
        lines.append("| " + label + " | " + " | ".join(f(best[c]) for c in cols) + " |")
    row("**total (stages)**", lambda r: f"**{r['total_s']:.3f}**")
    row("import (not in total)", lambda r: f"{r.get('import_s', 0):.3f}")
    row("**wall, whole process**", lambda r: f"**{r['wall_s']:.3f}**")
    row("CPU user+sys", lambda r: f"{r['cpu_s']:.2f}")
    row("max RSS [MiB] (client only for postgis)", lambda r: f"{r['max_rss_mib']:.0f}")
    row("other load [cores]", lambda r: f"{r['other_load']:.2f}")
    row("repaired", lambda r: str(r.get("repaired", "")))
    print()
    print("\n".join(lines))
    print()
    for n in args.sizes:
        ours = best[(n, "nordwaerts")]
        ratios = ", ".join(f"{best[(n, name)]['wall_s'] / ours['wall_s']:.1f}× faster than {name}" for name in names[:-1])
        print(f"N={n}: nordwaerts {ours['wall_s']:.2f} s wall, {ours['max_rss_mib']:.0f} MiB: {ratios}")


if __name__ == "__main__":
    main()
