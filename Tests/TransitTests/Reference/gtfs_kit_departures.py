"""Departures per station and mode group, counted independently with gtfs-kit and pandas.

The rules are the issue's (and DepartureCount's):
a departure is a stop time of a trip that runs on the date (gtfs-kit's Feed.get_trips(date):
calendar plus calendar_dates), whose departure time (the arrival time where the departure is
empty) lies in [06:00, 20:00), at a stop that is not the trip's last (highest stop_sequence),
whose pickup_type is not 1; frequency-based trips are expanded here in pandas (one run per
headway from start_time until before end_time, times shifted by the run's start minus the
first stop's time). Counted per station (parent_station, else the stop) and mode group of the
route_type (rail 2, 100-117; metro 1, 400-405; tram 0, 900-906; bus 3, 200-209, 700-716;
other). The date is the first Wednesday on which any trip runs.

    python gtfs_kit_departures.py FEED.zip ... > gtfs_kit_departures.json   # write the reference
    python gtfs_kit_departures.py --check gtfs_kit_departures.json FEED.zip ...  # compare (CI)

The feeds are the real ones gtfs-kit's source distribution ships in data/ (Cairns, NYC subway,
Google's sample), fetched by `pip download --no-deps --no-binary :all: gtfs_kit==13.0.1`.
"""
import json
import os
import sys

import gtfs_kit as gk
import pandas as pd

START, END = 6 * 3600, 20 * 3600


def mode_group(t):
    t = int(t)
    if t == 2 or 100 <= t <= 117:
        return "rail"
    if t == 1 or 400 <= t <= 405:
        return "metro"
    if t == 0 or 900 <= t <= 906:
        return "tram"
    if t == 3 or 200 <= t <= 209 or 700 <= t <= 716:
        return "bus"
    return "other"


def seconds(s):
    if pd.isna(s) or str(s).strip() == "":
        return None
    h, m, sec = str(s).strip().split(":")
    return int(h) * 3600 + int(m) * 60 + int(sec)


def count(path, date=None):
    """The counts of one feed; `date` YYYYMMDD, default the first Wednesday with trips."""
    feed = gk.read_feed(path, dist_units="km")
    if date is None:
        for d in sorted(feed.get_dates()):
            if pd.Timestamp(d).weekday() == 2 and not feed.get_trips(d).empty:
                date = d
                break
    running = feed.get_trips(date)[["trip_id", "route_id"]]
    routes = feed.routes[["route_id", "route_type"]]
    st = feed.stop_times.merge(running, on="trip_id").merge(routes, on="route_id")
    departure = st["departure_time"].map(seconds).astype("float64")
    arrival = st["arrival_time"].map(seconds).astype("float64")
    st["time"] = departure.fillna(arrival)
    last = st.groupby("trip_id")["stop_sequence"].transform("max")
    st["is_last"] = st["stop_sequence"] == last
    if "pickup_type" in st.columns:
        st["pickup_ok"] = pd.to_numeric(st["pickup_type"], errors="coerce").fillna(0).astype(int) != 1
    else:
        st["pickup_ok"] = True

    frequencies = getattr(feed, "frequencies", None)
    rows = []
    freq_trips = set()
    if frequencies is not None and not frequencies.empty:
        freq_trips = set(frequencies["trip_id"])
        for trip_id, group in st[st["trip_id"].isin(freq_trips)].groupby("trip_id"):
            group = group.sort_values("stop_sequence")
            base = group["time"].dropna().iloc[0]
            for _, f in frequencies[frequencies["trip_id"] == trip_id].iterrows():
                start, end, headway = seconds(f["start_time"]), seconds(f["end_time"]), int(f["headway_secs"])
                t = start
                while t < end:
                    shifted = group.copy()
                    shifted["time"] = shifted["time"] + (t - base)
                    rows.append(shifted)
                    t += headway
    plain = st[~st["trip_id"].isin(freq_trips)]
    all_rows = pd.concat([plain] + rows) if rows else plain
    dep = all_rows[(~all_rows["is_last"]) & all_rows["pickup_ok"] & all_rows["time"].notna()
                   & (all_rows["time"] >= START) & (all_rows["time"] < END)]

    stops = feed.stops.copy()
    known = set(stops["stop_id"])
    if "parent_station" in stops.columns:
        parent = stops["parent_station"].where(stops["parent_station"].isin(known) & stops["parent_station"].notna())
        stops["station"] = parent.fillna(stops["stop_id"])
    else:
        stops["station"] = stops["stop_id"]
    dep = dep.merge(stops[["stop_id", "station"]], on="stop_id")
    dep["mode"] = dep["route_type"].map(mode_group)
    counts = dep.groupby(["station", "mode"]).size()
    return {
        "date": f"{date[:4]}-{date[4:6]}-{date[6:]}",
        "departures": {f"{s}|{m}": int(n) for (s, m), n in sorted(counts.items())},
    }


def main(argv):
    check = None
    if argv and argv[0] == "--check":
        check, argv = argv[1], argv[2:]
    result = {os.path.basename(p): count(p) for p in argv}
    if check:
        with open(check) as f:
            expected = json.load(f)
        if expected != result:
            for name in result:
                if expected.get(name) != result[name]:
                    print(f"gtfs-kit reference differs for {name}", file=sys.stderr)
            return 1
        print(f"gtfs-kit reference: {len(result)} feeds as committed")
        return 0
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
