#!/usr/bin/env python3
"""The pandana peer: distance from every origin to its nearest facility on the same street
graph, cutoff in metres, with pandana's contraction-hierarchy preprocessing counted.

    python peer_network_pandana.py STREETS --facilities F --origins O --out CSV [--cutoff-m 1000]

Pandana's definition differs from ours and from the networkx peer's: facilities and origins
go to their nearest graph *node* (no snap onto the edge, no snap distance added), and the whole
graph is used (not only the largest component). So its distances are not compared, only timed,
and the table says so. Prints a JSON timing line last.
"""
import argparse, json, sys, time
import numpy as np
import pandas as pd
import pandana
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
from peer_network_common import read_points, read_street_edges


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("streets")
    ap.add_argument("--facilities", required=True)
    ap.add_argument("--origins", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cutoff-m", type=float, default=1000)
    a = ap.parse_args()
    t0 = time.perf_counter()
    XY, E, w = read_street_edges(a.streets)
    net = pandana.Network(pd.Series(XY[:, 0]), pd.Series(XY[:, 1]), pd.Series(E[:, 0]), pd.Series(E[:, 1]),
                          pd.DataFrame({"w": w}), twoway=True)
    net.precompute(a.cutoff_m)
    t_graph = time.perf_counter()
    _, fpts = read_points(a.facilities)
    net.set_pois("stops", a.cutoff_m, 1, pd.Series(fpts[:, 0]), pd.Series(fpts[:, 1]))
    nearest = net.nearest_pois(a.cutoff_m, "stops", num_pois=1)
    t_pois = time.perf_counter()
    oids, opts = read_points(a.origins)
    nodes = net.get_node_ids(pd.Series(opts[:, 0]), pd.Series(opts[:, 1]))
    d = nearest[1].reindex(nodes.values).values
    with open(a.out, "w") as out:
        out.write("id,walk_m\n")
        for k in range(len(opts)):
            out.write(f"{oids[k]},{'' if d[k] >= a.cutoff_m else repr(float(d[k]))}\n")
    t_end = time.perf_counter()
    print(json.dumps({"peer": "pandana", "graph_and_ch_s": t_graph - t0, "pois_s": t_pois - t_graph, "origins_s": t_end - t_pois,
                      "total_s": t_end - t0, "nodes": len(XY), "edges": len(E)}))


if __name__ == "__main__":
    main()
