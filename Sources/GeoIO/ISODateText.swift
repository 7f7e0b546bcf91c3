/// Dates as ISO 8601 text, which is how the toolkit keeps dates in properties (GeoJSON has no
/// date type; GDAL's GeoJSON writer and pandas both read this form back as dates).
public enum ISODateText {
    /// Epoch milliseconds (Esri JSON's `esriFieldTypeDate`) as UTC date-time text:
    /// `1989-12-31T00:00:00Z`, with `.sss` only when the milliseconds are not zero.
    static func dateTime(epochMilliseconds ms: Int64) -> String {
        let (days, msOfDay) = floorDivide(ms, 86_400_000)
        let (year, month, day) = civil(days: days)
        let seconds = msOfDay / 1000, milliseconds = msOfDay % 1000
        var text = date(year, month, day) + "T" + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
        if milliseconds != 0 {
            let m = String(milliseconds)
            text += "." + String(repeating: "0", count: 3 - m.count) + m
        }
        return text + "Z"
    }

    /// `YYYY-MM-DD`.
    static func date(_ year: Int64, _ month: Int64, _ day: Int64) -> String {
        var y = String(abs(year))
        if y.count < 4 { y = String(repeating: "0", count: 4 - y.count) + y }
        return (year < 0 ? "-" : "") + y + "-" + two(month) + "-" + two(day)
    }

    private static func two(_ v: Int64) -> String { v < 10 ? "0" + String(v) : String(v) }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's
    /// `civil_from_days`).
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
