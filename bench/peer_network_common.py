"""What the street-network peers share: reading the same files the same way.

- `read_points(path)`: ids and an (n, 2) array of coordinates; a CSV gives its RW/HW columns
  (ids 1..n in row order), a GeoJSON its features' ids (else properties.id, else 1..n), points
  as they are and other geometries by their point on surface (Shapely).
- `read_names(path)`: a facility GeoJSON's names (properties.name, else id, else 1..n).
- `read_street_edges(path)`: the street graph as every peer builds it: lines meet only where
  they share a vertex (identical coordinates), each pair of consecutive distinct vertices is an
  edge, its length the Euclidean distance. Returns node coordinates XY (n, 2), edges E (m, 2)
  as node indices in file order, lengths L (m,).
"""
import csv, json
import numpy as np
import shapely


def read_points(path):
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return [str(i + 1) for i in range(len(rows))], np.array([[float(r["RW"]), float(r["HW"])] for r in rows])
    with open(path) as f:
        gj = json.load(f)
    ids, geoms = [], []
    for k, feat in enumerate(gj["features"]):
        ids.append(str(feat.get("id", feat["properties"].get("id", k + 1))))
        geoms.append(shapely.from_geojson(json.dumps(feat["geometry"])))
    geoms = np.array(geoms)
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return ids, shapely.get_coordinates(pts)


def read_names(path):
    with open(path) as f:
        return [str(feat["properties"].get("name") or feat.get("id") or k + 1) for k, feat in enumerate(json.load(f)["features"])]


def read_street_edges(path):
    with open(path) as f:
        gj = json.load(f)
    node_of, xy, edges = {}, [], []
    for feat in gj["features"]:
        g = feat["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"] if g["type"] == "MultiLineString" else []
        for line in parts:
            prev = None
            for c in line:
                key = (c[0] + 0.0, c[1] + 0.0)
                n = node_of.setdefault(key, len(xy))
                if n == len(xy): xy.append(key)
                if prev is not None and n != prev: edges.append((prev, n))
                prev = n
    XY, E = np.array(xy), np.array(edges)
    return XY, E, np.hypot(*(XY[E[:, 1]] - XY[E[:, 0]]).T)
