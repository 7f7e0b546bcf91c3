// libFuzzer harness: any bytes into the GTFS reader and the departure count. The input is a
// feed's files packed in one text (`GTFSSource(name:packed:)`: a line "@@ NAME" starts the
// file NAME), so that the fuzzer mutates headers, quoting, times, calendars and frequencies
// alike. The feed is read from memory, and departures are counted 06:00–20:00 on the first
// Wednesday it serves.
import Transit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGTFS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let feed = try GTFSFeed(source: GTFSSource(name: "fuzz", packed: Array(UnsafeBufferPointer(start: data, count: size))))
        guard let date = feed.calendar.firstWednesday() else { return 0 }
        _ = try DepartureCount(feed: feed, date: date, window: TimeWindow(start: 6 * 3600, end: 20 * 3600))
    } catch is GTFSError {
    } catch {
        fatalError("an error that is not the toolkit's own: \(error)")
    }
    return 0
}
