import Dispatch
import GeoCore

/// A streaming GeoJSON reader: a FeatureCollection, a single Feature, a bare geometry, or a
/// sequence of them (newline-delimited GeoJSON or RFC 8142 text sequences).
///
/// Bytes are parsed where they lie in the read window (no JSON tree, no Foundation), and
/// coordinates go straight from text into flat arrays and from there into GEOS.
///
/// CRS: the legacy `crs` member (`urn:ogc:def:crs:EPSG::25832`, `EPSG:25832`, CRS84 URNs, or
/// the old `{"type": "EPSG", "properties": {"code": …}}`), else CRS84 as RFC 7946 says,
/// unless `ReadOptions.crs` overrides both. A `crs` member after the features is found by
/// looking ahead in the file, before the first feature is handed on.
///
/// Problems with one feature (an unknown geometry type, a ring of 3 positions, coordinates out
/// of range for the CRS) reject that feature and reading goes on; problems with the file
/// (not JSON, truncated, nested too deep) throw ``IOError/malformed(path:location:message:)``.
public final class GeoJSONReader: FeatureReader {
    public let path: String
    public private(set) var crs: CRS
    public private(set) var warnings: [String] = []
    /// How many features carried each kind of note.
    private var noteCounts: [String: Int] = [:]
    /// Where the CRS came from: "crs member", "override" or "RFC 7946 default".
    public private(set) var crsOrigin: String

    private let source: ByteSource
    private let options: ReadOptions
    private var position = 0
    private var state: State = .start
    private var index = 0
    /// Features found by scans so far (the scan of the next batch runs before this one's are
    /// settled, so it cannot count on `index`).
    private var scanned = 0
    /// The next batch's features, found while the last batch was parsed, or the error that
    /// scan ran into (thrown when that batch is asked for).
    private var scannedAhead: Result<[Range<Int>], any Error>?
    /// Ids seen so far, checked for repeats off the reading thread.
    private let idCheck = RepeatedIDCheck()
    private var crsMemberName: String?
    /// Features parsed ahead for `next()`, in reverse order.
    private var buffered: [ReadResult] = []

    private enum State { case start, inCollection, afterCollection, sequence, done }

    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        self.path = path
        self.options = options
        source = try ByteSource(path: path)
        crs = options.crs ?? .wgs84
        crsOrigin = options.crs == nil ? "RFC 7946 default" : "override"
        try readHeader()
    }

    /// A reader over GeoJSON text in memory.
    public convenience init(text: String, name: String = "<text>", options: ReadOptions = ReadOptions()) throws {
        try self.init(bytes: Array(text.utf8), name: name, options: options)
    }

    /// A reader over GeoJSON bytes in memory (any bytes: the fuzzers feed it).
    public init(bytes: [UInt8], name: String = "<bytes>", options: ReadOptions = ReadOptions()) throws {
        path = name
        self.options = options
        source = ByteSource(bytes: bytes, name: name)
        crs = options.crs ?? .wgs84
        crsOrigin = options.crs == nil ? "RFC 7946 default" : "override"
        try readHeader()
    }

    // MARK: Driving the window

    /// Runs `body` on a cursor at `position`; when the window runs out, refills (keeping the
    /// bytes from `position` on) and runs it again from the same place.
    private func parse<T>(_ body: (inout JSONCursor) throws -> T) throws -> T {
        while true {
            var cursor = JSONCursor(base: source.base, position: position, end: source.count, atEOF: source.atEOF)
            do {
                let result = try body(&cursor)
                position = cursor.position
                return result
            } catch is NeedMore {
                guard let shift = try source.refill(keepingFrom: position) else {
                    throw malformed(at: source.count, "unexpected end of file (truncated?)")
                }
                position -= shift
            } catch let error as JSONSyntaxError {
                throw malformed(at: error.position, error.message)
            }
        }
    }

    private func malformed(at windowPosition: Int, _ message: String) -> IOError {
        .malformed(path: path, location: source.location(ofAbsolute: source.origin + windowPosition), message: message)
    }

    // MARK: Top level

    /// Reads up to the first feature: the top-level type, `crs`, and whether this is a
    /// collection or a sequence.
    private func readHeader() throws {
        let kind: TopLevel = try parse { cursor in
            guard try !cursor.isAtEnd() else { return .empty }
            let start = cursor.position
            guard try cursor.peek() == 0x7B else {
                throw cursor.syntax("expected a GeoJSON object, found \(cursor.describe(try cursor.peek()))")
            }
            cursor.position += 1
            if try cursor.peek() == 0x7D { throw cursor.syntax("an empty object is not GeoJSON") }
            // Walk the members of the top-level object until it shows what it is.
            repeat {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "features") {
                    try cursor.expect(0x5B, "'[' (the features array)")
                    return .collection
                } else if cursor.rawEquals(key, "type") {
                    let typePosition = cursor.position
                    let type = try cursor.string()
                    if type != "FeatureCollection" {
                        guard type == "Feature" || FeatureParser.geometryTypes[type] != nil else {
                            cursor.position = typePosition
                            throw cursor.syntax("the top-level object's type '\(type)' is not a GeoJSON type (FeatureCollection, Feature or a geometry)")
                        }
                        cursor.position = start
                        return .single
                    }
                } else if cursor.rawEquals(key, "crs") {
                    self.crsMemberName = try self.crsName(&cursor)
                } else if cursor.rawEquals(key, "geometry") || cursor.rawEquals(key, "coordinates")
                            || cursor.rawEquals(key, "geometries") || cursor.rawEquals(key, "properties") {
                    cursor.position = start
                    return .single
                } else {
                    try cursor.skipValue()
                }
            } while try cursor.commaOr(0x7D)
            throw cursor.syntax("a FeatureCollection without a 'features' member")
        }
        switch kind {
        case .empty:
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0, line: 1, column: 1), message: "the file is empty")
        case .collection:
            state = .inCollection
            if crsMemberName == nil, source.isRegularFile { crsMemberName = try lookAheadForCRS() }
        case .single:
            state = .sequence
        }
        try applyCRSMember()
    }

    private enum TopLevel { case empty, collection, single }

    /// The name in a legacy `crs` member, or nil for `null`.
    private func crsName(_ cursor: inout JSONCursor) throws -> String? {
        let value = try cursor.value()
        guard case let .object(member) = value else {
            if value.isNull { return nil }
            throw cursor.syntax("the 'crs' member must be an object")
        }
        if case let .object(properties)? = member["properties"] {
            if let name = properties["name"]?.stringValue { return name }
            if let code = properties["code"]?.integerValue { return "EPSG:\(code)" }
            if let href = properties["href"]?.stringValue { return href }
        }
        throw cursor.syntax("the 'crs' member names no CRS (expected properties.name)")
    }

    private func applyCRSMember() throws {
        guard options.crs == nil, let name = crsMemberName else { return }
        do {
            crs = try CRS(name)
            crsOrigin = "crs member"
        } catch {
            throw IOError.malformed(path: path, location: SourceLocation(offset: 0),
                                    message: "the 'crs' member names '\(name)', which PROJ does not know (\(error)); give the CRS with --from")
        }
    }

    /// Finds a `crs` member that comes after the features array, by skipping the array in a
    /// second reader over the same file.
    private func lookAheadForCRS() throws -> String? {
        let ahead = try GeoJSONReader(skippingFrom: source.origin + position, path: path)
        return ahead.crsMemberName
    }

    /// A reader that skips a features array starting at `offset` and reads the members after it.
    private init(skippingFrom offset: Int, path: String) throws {
        self.path = path
        options = ReadOptions()
        source = try ByteSource(path: path, offset: offset)
        crs = .wgs84
        crsOrigin = ""
        position = 0
        let found: String? = try parse { cursor in
            // We stand just inside '['.
            if try cursor.peek() != 0x5D {
                repeat { try cursor.skipValue() } while try cursor.commaOr(0x5D)
            } else {
                cursor.position += 1
            }
            var name: String?
            while try cursor.commaOr(0x7D) {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "crs") { name = try self.crsName(&cursor) } else { try cursor.skipValue() }
            }
            return name
        }
        crsMemberName = found
    }

    // MARK: Features

    public func next() throws -> ReadResult? {
        if buffered.isEmpty { buffered = try nextBatch(maxCount: 1024).reversed() }
        return buffered.popLast()
    }

    /// Up to `maxCount` features (fewer at the end of a read window; empty at the end of the
    /// file). The reader finds each feature's bytes with a cheap scan, then parses the features
    /// on all cores, then settles ids, line numbers and rejections in file order.
    public func nextBatch(maxCount: Int) throws -> [ReadResult] {
        if !buffered.isEmpty {
            let out = Array(buffered.reversed().prefix(maxCount))
            buffered.removeLast(out.count)
            return out
        }
        return try nextBatch(maxCount: maxCount, workers: Cores.available * 2) { item, _ in item }
    }

    /// The members after the features array, and the end of the file.
    private func readTrailer() throws {
        try parse { cursor in
            while try cursor.commaOr(0x7D) {
                let key = try cursor.rawString()
                try cursor.expect(0x3A, "':'")
                if cursor.rawEquals(key, "crs") {
                    let late = try self.crsName(&cursor)
                    if self.options.crs == nil, let late, (try? CRS(late)) != self.crs {
                        throw cursor.syntax("a 'crs' member after the features names \(late), but the features were read as \(self.crs.identifier)")
                    }
                } else {
                    try cursor.skipValue()
                }
            }
            guard try cursor.isAtEnd() else { throw cursor.syntax("more content after the FeatureCollection") }
        }
    }

    /// Window ranges of up to `maxCount` whole features, found by skipping over them (which
    /// also checks their JSON syntax). Stops at the end of the window unless nothing was found.
    /// With `refill` false the window is never moved (workers may be reading it): the scan
    /// stops at the window's end, possibly with no features.
    private func scanFeatures(_ maxCount: Int, refill: Bool = true) throws -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        while ranges.count < maxCount {
            var cursor = JSONCursor(base: source.base, position: position, end: source.count, atEOF: source.atEOF)
            do {
                if state == .inCollection {
                    let more: Bool
                    if scanned + ranges.count > 0 {
                        more = try cursor.commaOr(0x5D)
                    } else if try cursor.peek() == 0x5D {
                        cursor.position += 1
                        more = false
                    } else {
                        more = true
                    }
                    if !more {
                        position = cursor.position
                        state = .afterCollection
                        break
                    }
                } else if try cursor.isAtEnd() {
                    position = cursor.position
                    state = .done
                    finish()
                    break
                }
                _ = try cursor.peek()
                let start = cursor.position
                try cursor.skipStructure()
                ranges.append(start..<cursor.position)
                position = cursor.position
            } catch is NeedMore {
                guard ranges.isEmpty, refill else { break }
                guard let shift = try source.refill(keepingFrom: position) else {
                    throw malformed(at: source.count, "unexpected end of file (truncated?)")
                }
                position -= shift
            } catch let error as JSONSyntaxError {
                throw malformed(at: error.position, error.message)
            }
        }
        return ranges
    }

    public func nextBatch<T>(maxCount: Int, workers: Int, transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T] {
        if !buffered.isEmpty {
            let items = try nextBatch(maxCount: maxCount)
            return try items.map { try transform($0, 0) }
        }
        while true {
            // A batch scanned ahead comes first (even when that scan reached the collection's
            // end); its error is thrown now; an empty one means the window must be refilled.
            if let ahead = scannedAhead {
                scannedAhead = nil
                let ranges = try ahead.get()
                if !ranges.isEmpty {
                    scanned += ranges.count
                    return try parseFeatures(ranges, workers: workers, transform: transform)
                }
            }
            switch state {
            case .start, .done:
                return []
            case .afterCollection:
                try readTrailer()
                state = .done
                finish()
                return []
            case .inCollection, .sequence:
                let ranges = try scanFeatures(maxCount)
                scanned += ranges.count
                if ranges.isEmpty { continue }
                return try parseFeatures(ranges, workers: workers, transform: transform)
            }
        }
    }

    /// Parses the features at `ranges` (complete in the window) in parallel, hands each
    /// feature to `transform` on its worker, then settles ids and rejections in file order.
    ///
    /// The workers write the results in place and record, per feature, a small non-generic
    /// outcome (its id and notes, or what went wrong); the settling pass in file order reads only
    /// those, and moves the results (a generic value per feature, copied once, not three times).
    private func parseFeatures<T>(_ ranges: [Range<Int>], workers: Int,
                                  transform: @Sendable (ReadResult, Int) throws -> T) throws -> [T] {
        let prototype = FeatureParser(crs: crs, crsIsDefault: crsOrigin == "RFC 7946 default", keepZ: options.keepZ)
        nonisolated(unsafe) let base = UnsafePointer(source.base)
        let firstIndex = index, origin = source.origin, n = ranges.count
        let slots = UnsafeMutablePointer<T>.allocate(capacity: n)
        defer { slots.deallocate() }
        var outcomes = [ParseOutcome](repeating: .pending, count: n)
        do {
            try outcomes.withUnsafeMutableBufferPointer { outcomes in
                nonisolated(unsafe) let outcomes = outcomes
                let pieces = Swift.max(1, Swift.min(workers, n / 64))
                // Inside a collection, the next batch is scanned while this one is parsed (the
                // scan reads the window only; it is not refilled until the workers are done).
                let scanAhead: (() throws -> Void)? = state == .inCollection && Cores.available > 1 ? { [self] in
                    do {
                        scannedAhead = .success(try scanFeatures(n, refill: false))
                    } catch {
                        scannedAhead = .failure(error)
                    }
                } : nil
                try concurrentPieces(n, pieces: pieces, alongside: scanAhead) { worker, range in
                    var parser = prototype
                    for i in range {
                        var cursor = JSONCursor(base: base, position: ranges[i].lowerBound, end: ranges[i].upperBound, atEOF: true)
                        do {
                            var feature = try parser.featureObject(&cursor)
                            feature.origin = FeatureOrigin(index: firstIndex + i, offset: origin + ranges[i].lowerBound)
                            let id = feature.id
                            (slots + i).initialize(to: try transform(.feature(feature), worker))
                            outcomes[i] = .parsed(id, notes: parser.notes)
                        } catch let issue as FeatureIssue {
                            outcomes[i] = .issue(issue)
                        } catch let error as JSONSyntaxError {
                            outcomes[i] = .syntax(error)
                        }
                    }
                }
            }
        } catch {
            for i in 0..<n { if case .parsed = outcomes[i] { (slots + i).deinitialize(count: 1) } }
            throw error
        }
        // File order: ids, notes and rejections; parsed results are moved in runs.
        var moved = 0
        defer { for i in moved..<n { if case .parsed = outcomes[i] { (slots + i).deinitialize(count: 1) } } }
        let countsIDs = options.countsRepeatedIDs
        var ids: [FeatureID] = []
        if countsIDs { ids.reserveCapacity(n) }
        defer { idCheck.check(ids) }
        return try [T](unsafeUninitializedCapacity: n) { out, count in
            var runStart = 0
            func flush(upTo end: Int) {
                if end > runStart {
                    (out.baseAddress! + count).moveInitialize(from: slots + runStart, count: end - runStart)
                    count += end - runStart
                }
                moved = end
            }
            for i in 0..<n {
                let featureIndex = index
                index += 1
                let range = ranges[i]
                switch outcomes[i] {
                case let .parsed(id, notes):
                    if countsIDs, let id { ids.append(id) }
                    for note in notes { noted(note, index: featureIndex, id: id, at: range.lowerBound) }
                    continue
                case .pending:
                    preconditionFailure("feature \(featureIndex) was not parsed")
                case let .issue(issue):
                    flush(upTo: i)
                    runStart = i + 1
                    let raw = String(decoding: UnsafeBufferPointer(start: source.base + range.lowerBound, count: range.count), as: UTF8.self)
                    var cursor = JSONCursor(base: source.base, position: range.lowerBound, end: range.upperBound, atEOF: true)
                    let rejectedID = (try? prototype.idOnly(&cursor)) ?? nil
                    let problem = FeatureProblem(path: path, index: featureIndex, id: rejectedID,
                                                 location: source.location(ofAbsolute: source.origin + range.lowerBound), reason: issue.reason)
                    (out.baseAddress! + count).initialize(to: try transform(.rejected(problem, raw: raw), 0))
                    count += 1
                case let .syntax(error):
                    flush(upTo: i)
                    runStart = i + 1
                    throw malformed(at: error.position, error.message)
                }
            }
            flush(upTo: n)
        }
    }

    /// A feature read with a note: the first few are warned one by one, naming the feature;
    /// the rest are counted in the summary at the end.
    private func noted(_ note: String, index: Int, id: FeatureID?, at windowPosition: Int) {
        noteCounts[note, default: 0] += 1
        guard noteCounts[note]! <= 5 else { return }
        let location = source.location(ofAbsolute: source.origin + windowPosition)
        warnings.append("\(path)\(location): feature \(index)\(id.map { " (id \($0))" } ?? ""): \(note)")
    }

    private func finish() {
        let duplicateIDs = idCheck.repeats()
        if duplicateIDs > 0 {
            warnings.append("\(path): \(duplicateIDs) feature\(duplicateIDs == 1 ? "" : "s") repeat an id used before")
        }
        for (note, count) in noteCounts.sorted(by: { $0.key < $1.key }) where count > 5 {
            warnings.append("\(path): \(count - 5) more features (\(count) in all) with: \(note)")
        }
    }
}

/// Counts features whose id was used before. The ids of a batch are checked on a queue of
/// their own while the next batch is parsed: at a million features the set is the largest
/// piece of sequential work in reading, and the count is only needed at the end.
final class RepeatedIDCheck: @unchecked Sendable {
    private let queue = DispatchQueue(label: "nordwaerts.geojson.ids")
    // Touched only on `queue`.
    private var seen = Set<FeatureID>()
    private var count = 0

    func check(_ ids: [FeatureID]) {
        guard !ids.isEmpty else { return }
        queue.async { [self] in
            for id in ids where !seen.insert(id).inserted { count += 1 }
        }
    }

    /// The number of repeats among all ids handed over (waits for the checks still running).
    func repeats() -> Int { queue.sync { count } }
}

/// One feature after the parallel part of reading: parsed (the caller's result is in its slot),
/// or what went wrong.
enum ParseOutcome {
    case pending
    case parsed(FeatureID?, notes: [String])
    case issue(FeatureIssue)
    case syntax(JSONSyntaxError)
}

/// A problem with one feature; the reader rejects the feature and goes on.
struct FeatureIssue: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Reused buffers for one geometry's coordinates: x/y pairs, z when any position has one, and
/// the counts of nested arrays in pre-order (the layout `Geometry(type:flatCoordinates:…)` takes).
struct CoordinateScratch: Sendable {
    var xy: [Double] = []
    var z: [Double] = []
    var hasZ = false
    var counts: [Int] = []
    private var interleaved: [Double] = []

    mutating func reset() {
        xy.removeAll(keepingCapacity: true)
        z.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        hasZ = false
    }

    @inline(__always)
    mutating func append(_ x: Double, _ y: Double, _ zValue: Double?) {
        if zValue != nil, !hasZ {
            hasZ = true
            z = [Double](repeating: .nan, count: xy.count / 2)
        }
        xy.append(x)
        xy.append(y)
        if hasZ { z.append(zValue ?? .nan) }
    }

    func firstOutOfGeographicRange() -> String? {
        var i = 0
        while i < xy.count {
            if abs(xy[i]) > 180 { return "longitude \(xy[i]) is beyond ±180°" }
            if abs(xy[i + 1]) > 90 { return "latitude \(xy[i + 1]) is beyond ±90°" }
            i += 2
        }
        return nil
    }

    mutating func withFlat<T>(keepZ: Bool, _ body: (UnsafeBufferPointer<Double>, Bool, UnsafeBufferPointer<Int>) throws -> T) rethrows -> T {
        if keepZ && hasZ {
            interleaved.removeAll(keepingCapacity: true)
            for k in 0..<(xy.count / 2) {
                interleaved.append(xy[2 * k])
                interleaved.append(xy[2 * k + 1])
                interleaved.append(z[k])
            }
            return try interleaved.withUnsafeBufferPointer { flat in
                try counts.withUnsafeBufferPointer { try body(flat, true, $0) }
            }
        }
        return try xy.withUnsafeBufferPointer { flat in
            try counts.withUnsafeBufferPointer { try body(flat, false, $0) }
        }
    }
}
