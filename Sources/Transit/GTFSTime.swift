import GeoIO
/// Times of day in a feed: seconds after "noon minus 12 h" of the service day, so that
/// `25:10:00` is 90,600 s and belongs to the service day the trip started on (GTFS reference,
/// "Field Types: Time").
public enum GTFSTime {
    /// `H:MM:SS` or `HH:MM:SS` (hours may pass 24), surrounding spaces allowed; nil for an
    /// empty field; throws a reason for anything else.
    public static func seconds(_ field: UnsafeBufferPointer<UInt8>) throws -> Int? {
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 { start += 1 }
        while end > start, field[end - 1] == 0x20 { end -= 1 }
        if start == end { return nil }
        var parts = (0, 0, 0), part = 0, digits = 0
        for k in start..<end {
            let b = field[k]
            if b == UInt8(ascii: ":") {
                guard part < 2, part == 0 ? digits > 0 : digits == 2 else { throw TimeFormatError() }
                part += 1
                digits = 0
                continue
            }
            guard b >= 0x30, b <= 0x39, digits < 3 else { throw TimeFormatError() }
            let d = Int(b - 0x30)
            switch part {
            case 0: parts.0 = parts.0 * 10 + d
            case 1: parts.1 = parts.1 * 10 + d
            default: parts.2 = parts.2 * 10 + d
            }
            digits += 1
        }
        guard part == 2, digits == 2, parts.1 < 60, parts.2 < 60 else { throw TimeFormatError() }
        return parts.0 * 3600 + parts.1 * 60 + parts.2
    }

    public static func seconds(_ text: String) throws -> Int? {
        var text = text
        return try text.withUTF8 { try seconds($0) }
    }

    /// `HH:MM:SS`, hours past 24 kept.
    public static func text(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(h)):\(two(m)):\(two(s))"
    }

    public struct TimeFormatError: Error {}
}

/// A calendar day, as GTFS writes it (`YYYYMMDD`) or as scenarios do (`YYYY-MM-DD`).
public struct ServiceDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= ServiceDate.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        dayNumber = era * 146_097 + doe - 719_468
    }

    /// `20260304` or `2026-03-04`.
    public init?(_ text: String) {
        let digits = text.trimmingSpaces.filter { $0 != "-" }
        guard digits.count == 8, digits.allSatisfy(\.isASCII), let n = Int(digits),
              text.trimmingSpaces.count == 8 || text.trimmingSpaces.count == 10 else { return nil }
        self.init(year: n / 10000, month: n / 100 % 100, day: n % 100)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var civil: (year: Int, month: Int, day: Int) {
        let c = ISODateText.civil(days: Int64(dayNumber))
        return (Int(c.year), Int(c.month), Int(c.day))
    }

    /// 0 = Monday … 6 = Sunday (the order of calendar.txt's columns).
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = civil
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    public static func < (a: ServiceDate, b: ServiceDate) -> Bool { a.dayNumber < b.dayNumber }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
