import Foundation
import TestSupport

/// A small feed written by hand, with one trip for each rule of counting; the expected counts
/// are worked out by hand in ``DepartureTests``.
///
/// - station S (Hbf) with platforms P1, P2; plain stops A, B, C (C is most trips' last stop)
/// - WD: Monday–Friday in March 2026, removed on Wednesday 2026-03-04 (calendar_dates 2);
///   EXTRA: only on 2026-03-04 (calendar_dates 1)
/// - T1 bus, direction 0: P1 07:00, A 07:10, C 07:20 (last)
/// - T2 bus, direction 1: C 08:00, A 08:10, P2 08:20 (last)
/// - T3 bus, direction 0, past midnight: A 23:50, P1 24:10, C 24:30 (last)
/// - T4 rail (route_type 109), EXTRA: P1 10:00, A 10:05 with pickup_type 1, C 10:10 (last)
/// - T5 tram (900), frequency-based 06:00–07:00 every 600 s (6 runs): P1 +0, A +5 min, C +10 min
/// - T6 bus, no direction, rows out of order, B without times: P1 09:00, B –, A 09:10, C 09:20
/// - two malformed stop_times rows (an unknown stop, a bad time), and one row for a trip that
///   does not exist
///
/// stops.txt begins with a byte order mark and ends its lines with CRLF; one stop name is
/// quoted with a comma and a doubled quote inside.
enum HandMadeFeed {
    static let files: [String: String] = [
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nDSW,DSW21,https://example.org,Europe/Berlin\n",
        "stops.txt": "\u{FEFF}stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\r\n"
            + "S,Hbf,51.5178,7.4593,1,\r\n"
            + "P1,Hbf Gleis 1,51.5179,7.4594,0,S\r\n"
            + "P2,Hbf Gleis 2,51.5177,7.4592,0,S\r\n"
            + "A,\"Platz, \"\"Nord\"\"\",51.5300,7.4600,0,\r\n"
            + "B,B-Straße,51.5350,7.4650,,\r\n"
            + "C,Endstelle,51.5400,7.4700,0,\r\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\nBUS,DSW,456,,3\nRAIL,DSW,S4,,109\nTRAM,DSW,U47,,900\n",
        "trips.txt": "route_id,service_id,trip_id,direction_id\nBUS,WD,T1,0\nBUS,WD,T2,1\nBUS,WD,T3,0\nRAIL,EXTRA,T4,0\nTRAM,WD,T5,0\nBUS,WD,T6,\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWD,1,1,1,1,1,0,0,20260302,20260331\n",
        "calendar_dates.txt": "service_id,date,exception_type\nWD,20260304,2\nEXTRA,20260304,1\n",
        "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nT5,06:00:00,07:00:00,600\n",
        "stop_times.txt": """
            trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type
            T1,07:00:00,07:00:00,P1,1,
            T1,07:10:00,07:10:00,A,2,0
            T1,07:20:00,07:20:00,C,3,
            T2,08:00:00,08:00:00,C,1,
            T2,08:10:00,08:10:00,A,2,
            T2,08:20:00,08:20:00,P2,3,
            T3,23:50:00,23:50:00,A,1,
            T3,24:10:00,24:10:00,P1,2,
            T3,24:30:00,24:30:00,C,3,
            T4,10:00:00,10:00:00,P1,1,
            T4,10:05:00,10:05:00,A,2,1
            T4,10:10:00,10:10:00,C,3,
            T5,00:00:00,00:00:00,P1,1,
            T5,00:05:00,00:05:00,A,2,
            T5,00:10:00,00:10:00,C,3,
            T6,09:10:00,09:10:00,A,30,
            T6,09:00:00,09:00:00,P1,10,
            T6,,,B,20,
            T6,09:20:00,09:20:00,C,40,
            T6,09:30:00,09:30:00,ZZ,50,
            T1,7:6:00,07:06:00,B,5,
            T9,07:00:00,07:00:00,A,1,

            """,
    ]

    /// Writes the feed into a new folder and returns its path.
    static func folder(replacing: [String: String?] = [:]) throws -> String {
        let dir = try ExternalTools.temporaryDirectory()
        var files = HandMadeFeed.files
        for (name, text) in replacing { files[name] = text }
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir.path
    }
}
