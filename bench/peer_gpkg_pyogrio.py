#!/usr/bin/env python3
"""The pyogrio peer of the GeoPackage benchmark (bench/gpkg_bench.py): what a GeoPandas user
does. Reads LAYER.geojson into a GeoDataFrame (untimed), writes it to OUT.gpkg with
pyogrio (GDAL's GPKG driver in the wheel, spatial index on, its default; timed), reads OUT.gpkg
back into a GeoDataFrame (timed) and prints one JSON line.

    python peer_gpkg_pyogrio.py parcels.geojson out.gpkg
"""
import json
import os
import sys
import time

import geopandas
import pyogrio

source, target = sys.argv[1], sys.argv[2]
gdf = geopandas.read_file(source, engine="pyogrio")
if os.path.exists(target):
    os.remove(target)
start = time.perf_counter()
gdf.to_file(target, driver="GPKG", engine="pyogrio", layer="parcels")
write = time.perf_counter() - start
del gdf
start = time.perf_counter()
back = geopandas.read_file(target, engine="pyogrio")
read = time.perf_counter() - start
print(json.dumps({"features": len(back), "write_s": write, "read_s": read,
                  "gdal": pyogrio.__gdal_version_string__, "pyogrio": pyogrio.__version__}))
