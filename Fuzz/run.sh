#!/usr/bin/env bash
# Builds the libFuzzer harnesses with AddressSanitizer (LeakSanitizer included) and runs each
# for SECONDS (default 60):
#
#   Fuzz/run.sh [SECONDS]          # CI: 60 s each
#   Fuzz/run.sh 3600               # before a release: an hour each
#
# SwiftPM cannot link a -sanitize=fuzzer executable, so the modules are compiled here: GeoCore
# and GeoIO to objects with coverage and ASan, then each harness linked against them and the
# system's libgeos_c and libproj. A crash, a leak, a timeout (> 10 s for one input) or running
# out of memory (> 2 GiB) fails the run; the input that caused it is copied to
# Fuzz/regressions/<harness>/, which the unit tests read. New coverage found in the run goes to
# a scratch corpus, not into the committed seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${FUZZ_BUILD:-.build-fuzz}
mkdir -p "$build"
flags=(-swift-version 6 -O -sanitize=fuzzer,address -parse-as-library -I Sources/CGEOS -I Sources/CPROJ -I Sources/CSQLite
       $(pkg-config --cflags-only-I geos proj | sed 's/-I/-Xcc -I/g'))

compile() { # module sources...
  local module=$1; shift
  swiftc "${flags[@]}" -module-name "$module" -emit-module -emit-module-path "$build/$module.swiftmodule" \
    -I "$build" -wmo -c "$@" -o "$build/$module.o"
}
compile GeoCore Sources/GeoCore/*.swift 2> "$build/build.log" || { cat "$build/build.log"; exit 1; }
compile GeoIO Sources/GeoIO/*.swift 2>> "$build/build.log" || { cat "$build/build.log"; exit 1; }

status=0
for harness in geojson csv gpkgblob; do
  source_file=Fuzz/$( [ $harness = geojson ] && echo GeoJSONFuzz || echo CSVFuzz ).swift
  [ $harness = gpkgblob ] && source_file=Fuzz/GeoPackageBlobFuzz.swift
  # (ld.gold warns about ASan's local symbols; the warnings go to the build log.)
  swiftc "${flags[@]}" -I "$build" "$source_file" "$build/GeoCore.o" "$build/GeoIO.o" \
    $(pkg-config --libs geos proj sqlite3) -lgeos_c -o "$build/fuzz-$harness" 2>> "$build/build.log" || { tail -50 "$build/build.log"; exit 1; }
  corpus="$build/corpus-$harness"
  mkdir -p "$corpus" "Fuzz/regressions/$harness" "$build/artifacts-$harness"
  dict=()
  [ $harness = geojson ] && dict=(-dict=Fuzz/geojson.dict)
  log="$build/fuzz-$harness.log"
  if ASAN_OPTIONS=detect_leaks=1 "$build/fuzz-$harness" "$corpus" "Fuzz/corpus/$harness" "Fuzz/regressions/$harness" "${dict[@]}" \
       -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/artifacts-$harness/" > "$log" 2>&1; then
    echo "fuzz $harness: ok after $seconds s: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') inputs," \
         "$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')/s, coverage $(grep -oE 'cov: [0-9]+' "$log" | tail -1)," \
         "features $(grep -oE 'ft: [0-9]+' "$log" | tail -1)"
  else
    status=1
    echo "fuzz $harness: FINDING"; tail -40 "$log"
    for artifact in "$build/artifacts-$harness"/*; do
      [ -f "$artifact" ] && cp "$artifact" "Fuzz/regressions/$harness/" && echo "kept $(basename "$artifact") in Fuzz/regressions/$harness"
    done
  fi
done
exit $status
