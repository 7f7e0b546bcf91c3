#!/usr/bin/env python3
"""Where the STANDARD PIPELINE's time goes: per stage, the share spent inside libgeos_c /
libgeos, inside libproj, and in Swift code (ours, the Swift runtime, and the C library calls it
makes: malloc, memcpy, write).

    python3 bench/stage_profile.py --data DIR [--jobs 1] [--frequency 3999]

Runs `perf record --call-graph dwarf` on `nordwaerts pipeline` (release build), then walks
every sample's call stack from the leaf up:

* the owner is the first frame that belongs to libgeos / libgeos_c (GEOS), libproj (PROJ) or
  the nordwaerts binary or libswiftCore (Swift); frames in libc, libm, libstdc++ and the kernel
  are charged to whoever called them (so GEOS's `new` counts as GEOS, PROJ's `sin` as PROJ and
  Swift's `write` as Swift);
* the stage is the innermost frame that names one of the pipeline's stages (the reader's
  parser for a, validity and repair for b, ParcelMetrics for c, and so on).

perf needs DWARF unwinding because the Debian GEOS and PROJ libraries are built without frame
pointers. With --jobs 1 the stages do not overlap, so the shares add up to the run.
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Innermost match wins; the substrings are parts of the Swift symbol names.
STAGES = [
    ("b_repair", ["SimpleRing", "isValid", "8repaired", "makeValid", "polygonalPart"]),
    ("c_metrics", ["ParcelMetrics"]),
    ("d_district", ["DistrictAssignment"]),
    ("e_catchment", ["Catchment"]),
    ("f_corridor", ["CorridorProximity"]),
    ("g_districts", ["Tally", "districtTable"]),
    ("h_geojson", ["EncoderPool", "JSONEncoder", "GeoJSONWriter", "JSONWriter", "writeEncoded", "CoordinateWriter"]),
    ("i_csv", ["appendRow", "SortedLines"]),
    ("a_read", ["FeatureParser", "JSONCursor", "scanFeatures", "parseFeatures", "RepeatedIDCheck", "ByteSource",
                "FeatureStream", "Layer4read"]),
]
ORDER = ["a_read", "b_repair", "c_metrics", "d_district", "e_catchment", "f_corridor", "g_districts", "h_geojson", "i_csv"]


def owner_of(dso):
    name = os.path.basename(dso)
    if name.startswith("libgeos"):
        return "GEOS"
    if name.startswith("libproj"):
        return "PROJ"
    if name.startswith("nordwaerts") or name.startswith("libswift") or name.startswith("libdispatch") \
            or name.startswith("libFoundation"):
        return "Swift"
    return None


def stage_of(symbol):
    for stage, markers in STAGES:
        if any(m in symbol for m in markers):
            return stage
    return None


def parse_samples(text):
    """Yields each sample's frames as (symbol, dso), leaf first."""
    frames = []
    for line in text.splitlines():
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if not line.startswith((" ", "\t")):
            continue  # the sample's header line
        parts = line.strip().split(" ", 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        dso = ""
        if rest.endswith(")") and " (" in rest:
            rest, dso = rest.rsplit(" (", 1)
            dso = dso[:-1]
        frames.append((rest, dso))
    if frames:
        yield frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--frequency", type=int, default=3999)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/nordwaerts"))
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "nordwaerts"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as work:
        data_file = os.path.join(work, "perf.data")
        out = os.path.join(work, "out")
        subprocess.run(["perf", "record", "-q", "--call-graph", "dwarf,32768", "-F", str(args.frequency), "-o", data_file,
                        args.binary, "pipeline", "--data", args.data, "--out", out, "--quiet", "--jobs", str(args.jobs)],
                       check=True, stdout=subprocess.DEVNULL)
        text = subprocess.run(["perf", "script", "-i", data_file, "-F", "ip,sym,dso"], check=True,
                              capture_output=True, text=True, errors="replace").stdout
    counts = collections.defaultdict(collections.Counter)
    total = 0
    for frames in parse_samples(text):
        total += 1
        owner = next((o for o in (owner_of(d) for _, d in frames) if o), "other")
        stage = next((s for s in (stage_of(sym) for sym, _ in frames) if s), "setup and other")
        counts[stage][owner] += 1
    print(f"perf samples: {total} ({args.frequency} Hz, --jobs {args.jobs}, {args.data})")
    print()
    print("| stage | share of the run | GEOS | PROJ | Swift (ours, runtime, libc calls) | other |")
    print("| --- | --- | --- | --- | --- | --- |")
    sums = collections.Counter()
    for stage in ORDER + ["setup and other"]:
        c = counts.get(stage, collections.Counter())
        n = sum(c.values())
        sums.update(c)
        if n == 0:
            continue
        pct = lambda k: f"{100 * c[k] / n:.0f} %"
        print(f"| {stage} | {100 * n / total:.1f} % | {pct('GEOS')} | {pct('PROJ')} | {pct('Swift')} | {pct('other')} |")
    n = sum(sums.values())
    pct = lambda k: f"{100 * sums[k] / n:.0f} %"
    print(f"| **all** | 100 % | {pct('GEOS')} | {pct('PROJ')} | {pct('Swift')} | {pct('other')} |")


if __name__ == "__main__":
    sys.exit(main())
