#!/usr/bin/env bash
# Makes the shapefile fuzzer's seeds (Fuzz/corpus/shapefile) with GDAL: small shapefiles of
# every shape type the reader takes, in UTF-8 and Windows-1252, each packed into one file as
# ShapefileReader(packed:) reads it (4-byte little-endian lengths of the .shp and .shx, then
# the .shp, the .shx and the .dbf).
set -euo pipefail
cd "$(dirname "$0")/.."
out=Fuzz/corpus/shapefile
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
pack() { # stem target
  python3 -c 'import struct, sys
stem, target = sys.argv[1], sys.argv[2]
shp, shx, dbf = (open(stem + ext, "rb").read() for ext in (".shp", ".shx", ".dbf"))
open(target, "wb").write(struct.pack("<II", len(shp), len(shx)) + shp + shx + dbf)' "$1" "$2"
}
layer() { # name geojson-geometries...
  local name=$1; shift
  local features="" sep=""
  local i=0
  for g in "$@"; do
    features+="$sep{\"type\":\"Feature\",\"properties\":{\"name\":\"Hörde $i\",\"n\":$i,\"x\":$i.5,\"day\":\"2024-02-29\"},\"geometry\":$g}"
    sep=","; i=$((i + 1))
  done
  echo "{\"type\":\"FeatureCollection\",\"features\":[$features]}" > "$work/$name.geojson"
}
layer point '{"type":"Point","coordinates":[393000,5708400]}' 'null'
layer pointz '{"type":"Point","coordinates":[393000,5708400,70]}'
layer multipoint '{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}'
layer line '{"type":"LineString","coordinates":[[0,0],[10,0]]}' '{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}'
layer polygon '{"type":"MultiPolygon","coordinates":[[[[0,0],[100,0],[100,100],[0,100],[0,0]],[[10,10],[10,20],[20,20],[20,10],[10,10]]],[[[13,13],[17,13],[17,17],[13,17],[13,13]]],[[[500,0],[520,0],[520,20],[500,20],[500,0]]]]}'
layer polygonz '{"type":"Polygon","coordinates":[[[0,0,1],[0,10,1],[10,10,1],[10,0,1],[0,0,1]],[[2,2,2],[4,2,2],[4,4,2],[2,4,2],[2,2,2]]]}'
for name in point pointz multipoint line polygon polygonz; do
  for encoding in UTF-8 CP1252; do
    ogr2ogr -f "ESRI Shapefile" -a_srs EPSG:25832 -lco ENCODING=$encoding "$work/$name-$encoding.shp" "$work/$name.geojson" 2>/dev/null
    pack "$work/$name-$encoding" "$out/$name-$encoding.bin"
  done
done
ogr2ogr -f "ESRI Shapefile" -a_srs EPSG:25832 -dim XYM "$work/linem.shp" "$work/line.geojson" 2>/dev/null
pack "$work/linem" "$out/linem.bin"
ls "$out" | wc -l
