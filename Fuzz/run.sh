#!/usr/bin/env bash
# Builds the libFuzzer harnesses with AddressSanitizer (LeakSanitizer included) and runs each
# for SECONDS (default 60):
#
#   Fuzz/run.sh [SECONDS] [HARNESS...]   # CI: every harness, 60 s each
#   Fuzz/run.sh 3600                     # before a release: an hour each
#   Fuzz/run.sh 30 scenario              # one harness
#
# SwiftPM cannot link a -sanitize=fuzzer executable, so the modules are compiled here with
# coverage and ASan, and each harness is linked against what it needs. A crash, a leak, a
# timeout (> 10 s for one input) or running out of memory (> 2 GiB) fails the run; the input
# that caused it is copied to Fuzz/regressions/<harness>/, which the unit tests read. New
# coverage found in the run goes to a scratch corpus, not into the committed seeds.
#
# Adding a harness: one line in `harnesses` below, a seed folder Fuzz/corpus/<name>/ (and an
# empty Fuzz/regressions/<name>/ with a .keep), optionally a dictionary, and a unit test
# that reads both folders (see Tests/GeoIOTests/FuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD:-.build-fuzz}
mkdir -p "$build"
log_file="$build/build.log"
: > "$log_file"

# name | harness source | what it links ("geo": GeoCore and GeoIO with GEOS and PROJ;
# "scenario": the Scenario module's parsing files with libyaml) | dictionary ("-": none)
harnesses=(
  "geojson   Fuzz/GeoJSONFuzz.swift   geo        Fuzz/geojson.dict"
  "geojsonlines Fuzz/GeoJSONLinesFuzz.swift geo  Fuzz/geojson.dict"
  "csv       Fuzz/CSVFuzz.swift       geo        -"
  "esrijson  Fuzz/EsriJSONFuzz.swift  geo        Fuzz/esrijson.dict"
  "shapefile Fuzz/ShapefileFuzz.swift geo        -"
  "gpkgblob  Fuzz/GeoPackageBlobFuzz.swift geo   -"
  "scenario  Fuzz/ScenarioFuzz.swift  scenario   Fuzz/scenario.dict"
  "gtfs      Fuzz/GTFSFuzz.swift      transit    -"
)

flags=(-swift-version 6 -O -sanitize=fuzzer,address -parse-as-library)
fail_build() { tail -50 "$log_file"; exit 1; }

# GeoCore and GeoIO as objects, with GEOS and PROJ from the system (built once, on first use).
geo_built=
build_geo() {
  [ -n "$geo_built" ] && return
  local c=(-I Sources/CGEOS -I Sources/CPROJ -I Sources/CSQLite $(pkg-config --cflags-only-I geos proj | sed 's/-I/-Xcc -I/g'))
  swiftc "${flags[@]}" "${c[@]}" -module-name GeoCore -emit-module -emit-module-path "$build/GeoCore.swiftmodule" \
    -I "$build" -wmo -c Sources/GeoCore/*.swift -o "$build/GeoCore.o" 2>> "$log_file" || fail_build
  swiftc "${flags[@]}" "${c[@]}" -module-name GeoIO -emit-module -emit-module-path "$build/GeoIO.swiftmodule" \
    -I "$build" -wmo -c Sources/GeoIO/*.swift -o "$build/GeoIO.o" 2>> "$log_file" || fail_build
  geo_built=1
}
link_geo() { # harness-source output
  build_geo
  # (ld.gold warns about ASan's local symbols; the warnings go to the build log.)
  swiftc "${flags[@]}" -I Sources/CGEOS -I Sources/CPROJ -I Sources/CSQLite $(pkg-config --cflags-only-I geos proj | sed 's/-I/-Xcc -I/g') \
    -I "$build" "$1" "$build/GeoCore.o" "$build/GeoIO.o" $(pkg-config --libs geos proj sqlite3) -lgeos_c -o "$2" 2>> "$log_file" || fail_build
}

# The GTFS reader: the Transit module over GeoCore and GeoIO, with ZIPFoundation (as SwiftPM
# checked it out; Swift 5 mode, zlib from the system).
link_transit() { # harness-source output
  build_geo
  [ -d .build/checkouts/ZIPFoundation ] || swift package resolve >> "$log_file" 2>&1
  local zip=.build/checkouts/ZIPFoundation/Sources c=(-I Sources/CGEOS -I Sources/CPROJ -I Sources/CSQLite $(pkg-config --cflags-only-I geos proj | sed 's/-I/-Xcc -I/g'))
  swiftc -swift-version 5 -O -sanitize=fuzzer,address -parse-as-library -I "$zip/CZLib" -Xcc -D_GNU_SOURCE=1 -module-name ZIPFoundation \
    -emit-module -emit-module-path "$build/ZIPFoundation.swiftmodule" -wmo -c "$zip"/ZIPFoundation/*.swift -o "$build/ZIPFoundation.o" 2>> "$log_file" || fail_build
  swiftc "${flags[@]}" "${c[@]}" -I "$zip/CZLib" -module-name Transit -emit-module -emit-module-path "$build/Transit.swiftmodule" \
    -I "$build" -wmo -c Sources/Transit/*.swift -o "$build/Transit.o" 2>> "$log_file" || fail_build
  swiftc "${flags[@]}" "${c[@]}" -I "$zip/CZLib" -I "$build" "$1" "$build/GeoCore.o" "$build/GeoIO.o" "$build/ZIPFoundation.o" "$build/Transit.o" \
    $(pkg-config --libs geos proj sqlite3 zlib) -lgeos_c -o "$2" 2>> "$log_file" || fail_build
}

# The scenario parser: libyaml (Yams's copy, as SwiftPM checked it out) and the files of the
# Scenario module that read YAML into the tree, which depend on nothing else.
link_scenario() { # harness-source output
  [ -d .build/checkouts/Yams ] || swift package resolve >> "$log_file" 2>&1
  local yaml=.build/checkouts/Yams/Sources/CYaml objects=()
  for c in "$yaml"/src/*.c; do
    clang -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$yaml/include" -c "$c" \
      -o "$build/cyaml-$(basename "$c" .c).o" 2>> "$log_file" || fail_build
    objects+=("$build/cyaml-$(basename "$c" .c).o")
  done
  swiftc "${flags[@]}" -module-name ScenarioParsing -Xcc -DYAML_DECLARE_STATIC -I "$yaml/include" \
    Sources/Scenario/ScenarioNode.swift Sources/Scenario/ScenarioNode+Parsing.swift Sources/Scenario/ScenarioError.swift \
    Sources/Scenario/Suggestion.swift "$1" "${objects[@]}" -o "$2" 2>> "$log_file" || fail_build
}

status=0
for entry in "${harnesses[@]}"; do
  read -r harness source_file kind dictionary <<< "$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $harness "* ]]; then continue; fi
  "link_$kind" "$source_file" "$build/fuzz-$harness"
  corpus="$build/corpus-$harness"
  mkdir -p "$corpus" "Fuzz/regressions/$harness" "$build/artifacts-$harness"
  dict=()
  [ "$dictionary" != "-" ] && dict=(-dict="$dictionary")
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
