#!/usr/bin/env python3
"""The networkx peer of `nordwaerts network walk`: walking distance on the street network from
every origin to its nearest facility, within a cutoff, the same definition and output.

    python peer_network_networkx.py STREETS --facilities F --origins O --out CSV [--cutoff-m 1000] [--max-snap-m 250]
                                    [--origins-csv-crs-columns RW HW] [--json-timing]

STREETS, facilities and origins are GeoJSON in one metric CRS (origins may be CSV with RW/HW
columns). Method (as Tests/StreetNetworkTests/Reference/walk_reference.py, vectorised): every
consecutive distinct vertex pair of a line is an edge of an nx.Graph (Euclidean weight);
points snap with a Shapely STRtree (query_nearest, all at once) onto the edges of the largest
component, `line_locate_point` giving the way along; each facility joins a node splitting its
edge at the snap point; `nx.multi_source_dijkstra_path_length` from all facilities with the
cutoff; an origin's walk is its snap distance plus the better end of the edge piece it snaps
onto. Polygons start from their point on surface (Shapely). Prints a JSON timing line last.
"""
import argparse, json, math, os, sys, time
import numpy as np
import networkx as nx
import shapely
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_network_common import read_names, read_points, read_street_edges


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("streets")
    ap.add_argument("--facilities", required=True)
    ap.add_argument("--origins", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cutoff-m", type=float, default=1000)
    ap.add_argument("--max-snap-m", type=float, default=250)
    a = ap.parse_args()
    t0 = time.perf_counter()
    XY, E, L = read_street_edges(a.streets)
    G = nx.Graph()
    G.add_nodes_from(range(len(XY)))
    G.add_weighted_edges_from((int(u), int(v), float(w)) for (u, v), w in zip(E, L))
    largest = max(nx.connected_components(G), key=lambda c: (len(c), -min(c)))
    allowed = np.array([e for e in range(len(E)) if int(E[e, 0]) in largest])
    segs = shapely.linestrings(np.stack([XY[E[allowed, 0]], XY[E[allowed, 1]]], axis=1))
    tree = shapely.STRtree(segs)
    t_graph = time.perf_counter()

    def snap(points):
        pts = shapely.points(points)
        (qi, ti), _ = tree.query_nearest(pts, all_matches=True, return_distance=True)
        best = np.full(len(points), np.iinfo(np.int64).max)
        np.minimum.at(best, qi, ti)
        e = allowed[best]
        along = np.minimum(shapely.line_locate_point(segs[best], pts), L[e])
        return e, along, shapely.distance(segs[best], pts)

    fids, fpts = read_points(a.facilities)
    names = read_names(a.facilities)
    fe, fa, fd = snap(fpts)
    splits = {}
    for i in range(len(fpts)):
        if fd[i] <= a.max_snap_m: splits.setdefault(int(fe[i]), []).append((float(fa[i]), i, float(fd[i])))
    for e, items in splits.items():
        u, v = int(E[e, 0]), int(E[e, 1])
        if G.has_edge(u, v) and abs(G[u][v]["weight"] - L[e]) == 0: G.remove_edge(u, v)
        chain = [(0.0, u)] + [(al, ("split", e, i)) for al, i, _ in sorted(items)] + [(float(L[e]), v)]
        for (a0, n0), (a1, n1) in zip(chain, chain[1:]): G.add_edge(n0, n1, weight=a1 - a0)
        for al, i, d in items: G.add_edge(("f", i), ("split", e, i), weight=d)
    # Edges that were duplicates of a split edge come back (same length: same graph).
    for e in splits:
        for e2 in np.nonzero((E[:, 0] == E[e, 0]) & (E[:, 1] == E[e, 1]))[0]:
            if int(e2) not in splits: G.add_edge(int(E[e2, 0]), int(E[e2, 1]), weight=float(L[e2]))
    sources = [("f", i) for i in range(len(fpts)) if fd[i] <= a.max_snap_m]
    dist, paths = nx.multi_source_dijkstra(G, sources, cutoff=a.cutoff_m, weight="weight") if sources else ({}, {})
    t_dijkstra = time.perf_counter()

    oids, opts = read_points(a.origins)
    t_read = time.perf_counter()
    oe, oa, od = snap(opts)
    with open(a.out, "w") as out:
        out.write("id,walk_m,walk_stop,snap_m\n")
        for k in range(len(opts)):
            e, along, d = int(oe[k]), float(oa[k]), float(od[k])
            walk, stop = None, ""
            if d <= a.max_snap_m:
                u, v = int(E[e, 0]), int(E[e, 1])
                chain = [(0.0, u)] + [(al, ("split", e, i)) for al, i, _ in sorted(splits.get(e, []))] + [(float(L[e]), v)]
                best, node = math.inf, None
                for (a0, n0), (a1, n1) in zip(chain, chain[1:]):
                    if a0 <= along <= a1:
                        for n, extra in ((n0, along - a0), (n1, a1 - along)):
                            if n in dist and dist[n] + extra < best: best, node = dist[n] + extra, n
                if node is not None and d + best <= a.cutoff_m:
                    walk, stop = d + best, names[paths[node][0][1]]
            out.write(f"{oids[k]},{'' if walk is None else repr(walk)},{stop},{d!r}\n")
    t_end = time.perf_counter()
    print(json.dumps({"peer": "networkx", "graph_s": t_graph - t0, "dijkstra_s": t_dijkstra - t_graph, "read_origins_s": t_read - t_dijkstra,
                      "snap_and_write_s": t_end - t_read, "total_s": t_end - t0, "nodes": len(XY), "edges": len(E)}))


if __name__ == "__main__":
    main()
