#!/usr/bin/env python3
"""The pgRouting peer of `nordwaerts network walk`: walking distance on the street network from
every origin to its nearest facility, within a cutoff, computed in PostgreSQL with PostGIS and
pgRouting (`pgr_withPointsDD`), the same definition and output as the networkx peer.

    python peer_network_pgrouting.py STREETS --facilities F --origins O --out CSV [--cutoff-m 1000]
                                     [--max-snap-m 250] [--dsn DSN] [--points-on-vertices] [--keep]
    python peer_network_pgrouting.py --check [--dsn DSN]     # exit 0 when the server answers

Start the throwaway server first: bench/setup-pgrouting.sh (its DSN is the default here).
The files are read in Python as every peer reads them (bench/peer_network_common.py: lines
meet only at shared vertices, an edge per pair of consecutive distinct vertices, Euclidean
length; polygons by their point on surface, CSV by RW/HW) and COPYed into UNLOGGED tables of
a schema that is dropped before and after. The server does the rest:
- the largest component: `pgr_connectedComponents` (ties: the smallest vertex id, as the
  networkx peer's); only its edges are snapped onto (a GiST index);
- snapping: per point the nearest edge by PostGIS's KNN (the 8 nearest by `ORDER BY geom <->
  point`, then the least `ST_Distance`, ties to the smallest edge id as in the networkx peer),
  that distance as snap_m, `ST_LineLocatePoint` as the fraction along it; beyond --max-snap-m
  a point is off the network;
- one `pgr_withPointsDD` call with every snapped facility as a start point (negative ids) and
  every snapped origin as a further point of the graph (but see fraction 0 or 1 below),
  undirected, driving side 'b', `details` on (so the origins' points come back with their
  agg_cost), `equicost` off (so each stop's own costs come back and its snap_m can be added
  before taking the minimum, as our definition asks: snap_m(origin) + path + snap_m(stop));
- walk_m = min over stops of snap_m(origin) + agg_cost + snap_m(stop) where <= the cutoff;
- pgRouting 3.4 mishandles points at fraction exactly 0 or 1 (it gives such a point a vertex of
  its own, joined to one side only, and so cuts the edge: pgRouting issues #760, #2253, #2966,
  fixed after 3.4). So those are not passed as points: a stop there starts from the edge's end
  vertex, an origin there reads that vertex's agg_cost (`vertex_reads` in the timing line counts
  where that decided). --points-on-vertices passes them anyway, to show the bug's effect.
Prints a JSON timing line last, with the server's CPU seconds (the whole cluster's processes,
read from /proc: the server must run on this machine) beside the client's.
"""
import argparse, csv, json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg
from peer_network_common import read_names, read_points, read_street_edges

DEFAULT_DSN = (f"host={os.environ.get('PEERPG_DIR', os.path.join(os.environ.get('TMPDIR', '/tmp'), 'networkpg'))}/socket "
               f"port={os.environ.get('PEERPG_PORT', '55433')} user=postgres dbname={os.environ.get('PEERPG_DB', 'networkbench')}")
TICK = os.sysconf("SC_CLK_TCK")


def cluster_cpu(postmaster):
    """CPU seconds of the postmaster, its reaped children and its living children."""
    def fields(pid):
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    f = fields(postmaster)
    total = sum(int(x) for x in f[11:15])                    # utime stime cutime cstime
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                g = fields(pid)
            except OSError:
                continue
            if int(g[1]) == postmaster: total += int(g[11]) + int(g[12])
    return total / TICK


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("streets", nargs="?")
    ap.add_argument("--facilities")
    ap.add_argument("--origins")
    ap.add_argument("--out")
    ap.add_argument("--cutoff-m", type=float, default=1000)
    ap.add_argument("--max-snap-m", type=float, default=250)
    ap.add_argument("--dsn", default=DEFAULT_DSN)
    ap.add_argument("--points-on-vertices", action="store_true",
                    help="give pgRouting points of fraction 0 or 1 too (its 3.4 bug shows: longer walks)")
    ap.add_argument("--keep", action="store_true", help="keep the schema netpeer for inspection")
    ap.add_argument("--check", action="store_true", help="only check that the server answers with pgRouting; exit 0 if so")
    a = ap.parse_args()
    t0 = time.perf_counter()
    try:
        con = psycopg.connect(a.dsn, autocommit=True)
        con.execute("CREATE EXTENSION IF NOT EXISTS pgrouting CASCADE")
        version = con.execute("SELECT pgr_version()").fetchone()[0]
    except psycopg.Error as e:
        sys.exit(f"pgRouting server not available at {a.dsn!r} (start it with bench/setup-pgrouting.sh): {e}")
    if a.check:
        print(json.dumps({"peer": "pgrouting", "version": version}))
        return
    if not (a.streets and a.facilities and a.origins and a.out):
        ap.error("STREETS, --facilities, --origins and --out are required")
    postmaster = int(open(f"/proc/{con.info.backend_pid}/stat").read().rsplit(")", 1)[1].split()[1])
    cpu0, client0 = cluster_cpu(postmaster), os.times()
    sql = con.execute
    sql("DROP SCHEMA IF EXISTS netpeer CASCADE; CREATE SCHEMA netpeer; SET search_path = netpeer, public")

    XY, E, L = read_street_edges(a.streets)
    sql("CREATE UNLOGGED TABLE raw_edges (id bigint, source bigint, target bigint, cost float8, x1 float8, y1 float8, x2 float8, y2 float8)")
    with con.cursor().copy("COPY raw_edges FROM STDIN") as cp:
        for e in range(len(E)):
            u, v = int(E[e, 0]), int(E[e, 1])
            cp.write_row((e + 1, u + 1, v + 1, float(L[e]), float(XY[u, 0]), float(XY[u, 1]), float(XY[v, 0]), float(XY[v, 1])))
    sql("""CREATE UNLOGGED TABLE edges AS SELECT id, source, target, cost,
             ST_MakeLine(ST_MakePoint(x1, y1), ST_MakePoint(x2, y2))::geometry(LineString, 25832) AS geom FROM raw_edges""")
    sql("""CREATE UNLOGGED TABLE components AS SELECT * FROM pgr_connectedComponents(
             'SELECT id, source, target, cost FROM netpeer.edges')""")
    largest = sql("SELECT component FROM components GROUP BY component ORDER BY count(*) DESC, component LIMIT 1").fetchone()[0]
    sql("""CREATE UNLOGGED TABLE net AS SELECT e.* FROM edges e JOIN components c ON c.node = e.source WHERE c.component = %s""", (largest,))
    sql("CREATE INDEX ON net USING gist (geom); ANALYZE net")
    t_graph = time.perf_counter()

    _, fpts = read_points(a.facilities)
    names = read_names(a.facilities)
    oids, opts = read_points(a.origins)
    nf = len(fpts)
    sql("CREATE UNLOGGED TABLE raw_points (pid bigint, x float8, y float8)")
    with con.cursor().copy("COPY raw_points FROM STDIN") as cp:
        for k, (x, y) in enumerate(fpts): cp.write_row((k + 1, float(x), float(y)))
        for k, (x, y) in enumerate(opts): cp.write_row((nf + k + 1, float(x), float(y)))
    t_read = time.perf_counter()
    sql("""CREATE UNLOGGED TABLE points AS
             SELECT p.pid, s.edge_id, s.fraction, s.snap_m FROM
               (SELECT pid, ST_SetSRID(ST_MakePoint(x, y), 25832) AS geom FROM raw_points) p CROSS JOIN LATERAL (
               SELECT k.id AS edge_id, ST_LineLocatePoint(k.geom, p.geom) AS fraction, k.snap_m FROM (
                 SELECT n.id, n.geom, ST_Distance(n.geom, p.geom) AS snap_m FROM net n ORDER BY n.geom <-> p.geom LIMIT 8) k
               ORDER BY k.snap_m, k.id LIMIT 1) s""")
    sql("CREATE UNIQUE INDEX ON points (pid); ANALYZE points")
    t_snap = time.perf_counter()
    # pgRouting 3.4 cuts an edge at a point of fraction 0 or 1 (issues #760, #2253, #2966: the
    # point gets a vertex of its own, joined to only one side), so by default such points are not
    # given to it: a stop there starts from the edge's end vertex, an origin reads that vertex.
    inner = "" if a.points_on_vertices else " AND fraction > 0 AND fraction < 1"
    sql(f"""CREATE UNLOGGED TABLE stops AS SELECT p.pid, p.snap_m,
              CASE WHEN {'true' if a.points_on_vertices else 'false'} OR (p.fraction > 0 AND p.fraction < 1) THEN -p.pid
                   WHEN p.fraction = 0 THEN n.source ELSE n.target END AS start_vid
            FROM points p JOIN net n ON n.id = p.edge_id WHERE p.pid <= {nf} AND p.snap_m <= {float(a.max_snap_m)}""")
    sql(f"""CREATE UNLOGGED TABLE dd AS SELECT start_vid, node, agg_cost FROM pgr_withPointsDD(
             'SELECT id, source, target, cost FROM netpeer.net',
             'SELECT pid, edge_id, fraction, ''b''::char AS side FROM netpeer.points WHERE snap_m <= {float(a.max_snap_m)}{inner}',
             ARRAY(SELECT DISTINCT start_vid FROM stops ORDER BY start_vid), {float(a.cutoff_m)},
             directed => false, driving_side => 'b', details => true, equicost => false)""")
    t_dd = time.perf_counter()
    rows = sql("""
        WITH origin AS (SELECT p.*, n.source, n.target, n.cost FROM points p JOIN net n ON n.id = p.edge_id
                        WHERE p.pid > %(nf)s AND p.snap_m <= %(snap)s),
             reach AS (SELECT o.pid, d.start_vid, d.agg_cost AS way, false AS by_vertex FROM origin o JOIN dd d ON d.node = -o.pid
                       UNION ALL
                       SELECT o.pid, d.start_vid, d.agg_cost + o.fraction * o.cost, true FROM origin o JOIN dd d ON d.node = o.source
                       WHERE o.fraction = 0 OR o.fraction = 1
                       UNION ALL
                       SELECT o.pid, d.start_vid, d.agg_cost + (1 - o.fraction) * o.cost, true FROM origin o JOIN dd d ON d.node = o.target
                       WHERE o.fraction = 0 OR o.fraction = 1),
             walk AS (SELECT r.pid, o.snap_m + r.way + s.snap_m AS walk_m, s.pid AS stop, r.by_vertex
                      FROM reach r JOIN origin o USING (pid) JOIN stops s ON s.start_vid = r.start_vid)
        SELECT DISTINCT ON (pid) pid, walk_m, stop, by_vertex FROM walk WHERE walk_m <= %(cutoff)s ORDER BY pid, walk_m, stop""",
        {"nf": nf, "snap": float(a.max_snap_m), "cutoff": float(a.cutoff_m)}).fetchall()
    snaps = dict(sql("SELECT pid, snap_m FROM points WHERE pid > %s", (nf,)).fetchall())
    dd_rows = sql("SELECT count(*) FROM dd").fetchone()[0]
    walk = {pid: (w, stop) for pid, w, stop, _ in rows}
    vertex_reads = sum(1 for r in rows if r[3])
    with open(a.out, "w", newline="") as out:
        rows_out = csv.writer(out, lineterminator="\n")
        rows_out.writerow(["id", "walk_m", "walk_stop", "snap_m"])
        for k in range(len(opts)):
            w, stop = walk.get(nf + k + 1, (None, None))
            rows_out.writerow([oids[k], "" if w is None else repr(float(w)), "" if stop is None else names[stop - 1], repr(float(snaps[nf + k + 1]))])
    if not a.keep: sql("DROP SCHEMA netpeer CASCADE")
    t_end = time.perf_counter()
    server_cpu, client1 = cluster_cpu(postmaster) - cpu0, os.times()
    print(json.dumps({"peer": "pgrouting", "version": version, "load_graph_s": t_graph - t0, "read_load_points_s": t_read - t_graph,
                      "snap_s": t_snap - t_read, "withpointsdd_s": t_dd - t_snap, "min_and_write_s": t_end - t_dd, "total_s": t_end - t0,
                      "server_cpu_s": server_cpu, "client_cpu_s": (client1.user + client1.system) - (client0.user + client0.system),
                      "dd_rows": dd_rows, "vertex_reads": vertex_reads, "nodes": len(XY), "edges": len(E)}))


if __name__ == "__main__":
    main()
