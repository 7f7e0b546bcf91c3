/// A hash table from short byte strings (GTFS ids) to dense integers, looked up straight from
/// the bytes of a CSV field: no `String` is made per row of `stop_times.txt`.
struct ByteKeyTable {
    private var arena: [UInt8] = []
    /// Per slot: key offset, key length, value; -1 value = empty.
    private var offsets: [Int32]
    private var lengths: [Int32]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        offsets = Array(repeating: 0, count: size)
        lengths = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    @inline(__always)
    private func equal(_ slot: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(lengths[slot]) == key.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            let start = Int(offsets[slot])
            for k in 0..<key.count where a[start + k] != key[k] { return false }
            return true
        }
    }

    /// The value of `key`, nil when absent.
    @inline(__always)
    func value(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = ByteKeyTable.hash(key) & mask
        while values[slot] >= 0 {
            if equal(slot, key) { return Int(values[slot]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func value(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { value($0) }
    }

    /// Inserts `key` with `value` unless present; returns the value the key has afterwards.
    @discardableResult
    mutating func insert(_ key: String, _ value: Int) -> Int {
        var key = key
        return key.withUTF8 { bytes in
            if let existing = self.value(bytes) { return existing }
            if (count + 1) * 2 > values.count { grow() }
            var slot = ByteKeyTable.hash(bytes) & mask
            while values[slot] >= 0 { slot = (slot + 1) & mask }
            offsets[slot] = Int32(arena.count)
            lengths[slot] = Int32(bytes.count)
            values[slot] = Int32(value)
            arena.append(contentsOf: bytes)
            count += 1
            return value
        }
    }

    private mutating func grow() {
        let old = (offsets, lengths, values)
        let size = values.count * 2
        offsets = Array(repeating: 0, count: size)
        lengths = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
        let keys = arena
        keys.withUnsafeBufferPointer { a in
            for s in old.2.indices where old.2[s] >= 0 {
                let key = UnsafeBufferPointer(rebasing: a[Int(old.0[s])..<Int(old.0[s] + old.1[s])])
                var slot = ByteKeyTable.hash(key) & mask
                while values[slot] >= 0 { slot = (slot + 1) & mask }
                offsets[slot] = old.0[s]
                lengths[slot] = old.1[s]
                values[slot] = old.2[s]
            }
        }
    }
}
