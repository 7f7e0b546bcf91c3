/// Checking JSON values exactly as the cursor's builders read them, without building them: for
/// the lean readers, which must refuse what the feature reader refuses (so that both give the
/// same result for every file) but need nothing of the value itself.
extension JSONCursor {
    /// Checks one value as ``value(depth:)`` reads it: it throws where that throws (the same
    /// syntax, escapes, UTF-8, numbers and nesting), and makes no string, array or object.
    mutating func checkValue(depth: Int = 0) throws {
        guard depth < JSONCursor.maximumDepth else { throw syntax("nested deeper than \(JSONCursor.maximumDepth) levels") }
        switch try peek() {
        case 0x22:
            _ = try checkedString()
        case 0x7B:
            _ = try checkObject(depth: depth)
        case 0x5B:
            position += 1
            if try peek() == 0x5D { position += 1; return }
            repeat { try checkValue(depth: depth + 1) } while try commaOr(0x5D)
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default:
            _ = try number()
        }
    }

    /// Checks an object as ``object(depth:)`` reads it, building only the value of its member
    /// `id` (the last one, as that keeps a repeated name's last value; nil when there is none).
    mutating func checkObject(depth: Int = 0) throws -> PropertyValue? {
        try expect(0x7B, "'{'")
        var id: PropertyValue?
        if try peek() == 0x7D { position += 1; return nil }
        repeat {
            let name = try checkedString()
            try expect(0x3A, "':'")
            // A name is compared as a decoded String: an escaped "\u0069d" is "id" too.
            if name.escaped ? try decode(name) == "id" : rawEquals(name, "id") {
                id = try value(depth: depth + 1)
            } else {
                try checkValue(depth: depth + 1)
            }
        } while try commaOr(0x7D)
        return id
    }

    /// A string's raw bytes, checked as ``string()`` checks them (escapes, UTF-8) without
    /// making the String when it is plain ASCII.
    @inline(__always)
    mutating func checkedString() throws -> (start: Int, count: Int, escaped: Bool) {
        let raw = try rawString()
        if raw.escaped {
            _ = try decode(raw)
        } else {
            var p = raw.start
            let stop = raw.start + raw.count
            while p < stop, base[p] < 0x80 { p += 1 }
            if p < stop { _ = try JSONCursor.utf8String(UnsafeBufferPointer(start: base + raw.start, count: raw.count), at: raw.start) }
        }
        return raw
    }
}
