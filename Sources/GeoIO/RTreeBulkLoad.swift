import GeoCore

/// Fills an empty SQLite R-tree (`CREATE VIRTUAL TABLE … USING rtree(id, minx, maxx, miny,
/// maxy)`) in one pass by writing its three shadow tables directly, as GDAL's GeoPackage
/// driver does since 3.7: SQLite inserts one entry at a time (an R*-tree with forced
/// reinsertion, ~10 µs an entry), which made the index most of the cost of writing a layer.
///
/// The tree is packed sort-tile-recursive: entries sorted into vertical slices by x, each
/// slice by y, leaves of 51 entries (SQLite's maximum for 4 KiB pages and two dimensions),
/// then the same for the nodes above until one root remains. The layout is SQLite's (rtree.c):
/// `<t>_node(nodeno, data)` with node 1 the root, each node a blob of the size SQLite chose at
/// creation (2 bytes tree depth, in the root only; 2 bytes cell count; cells of an 8-byte id or
/// child node number and four 32-bit floats minx, maxx, miny, maxy, all big-endian; coordinates
/// rounded outwards, as SQLite rounds them); `<t>_rowid(rowid, nodeno)` for every entry's leaf;
/// `<t>_parent(nodeno, parentnode)` for every node but the root. `rtreecheck()` checks the result
/// in the tests.
struct RTreeBulkLoad {
    let db: SQLiteDatabase
    /// The R-tree's name (unquoted).
    let table: String

    struct Cell {
        var id: Int64
        var minX: Float, maxX: Float, minY: Float, maxY: Float
    }

    static func cell(_ id: Int64, _ e: Envelope) -> Cell {
        func down(_ d: Double) -> Float { var f = Float(d); if Double(f) > d { f = f.nextDown }; return f }
        func up(_ d: Double) -> Float { var f = Float(d); if Double(f) < d { f = f.nextUp }; return f }
        return Cell(id: id, minX: down(e.minX), maxX: up(e.maxX), minY: down(e.minY), maxY: up(e.maxY))
    }

    func load(_ entries: [(id: Int64, box: Envelope)]) throws {
        guard !entries.isEmpty else { return }
        let nodeSize = Int(try db.rows("SELECT length(data) FROM \(sqlIdentifier(table + "_node")) WHERE nodeno = 1").first?.first?.integer ?? 0)
        let capacity = min(51, (nodeSize - 4) / 24)
        guard capacity >= 2 else { throw SQLiteError(path: db.path, message: "unexpected R-tree node size \(nodeSize)", sql: nil) }

        // Levels from the leaves up; each node is its cells (an entry's id, or a child's index
        // in the level below until numbers are given).
        var level = RTreeBulkLoad.pack(entries.map { RTreeBulkLoad.cell($0.id, $0.box) }, capacity: capacity)
        var levels: [[[Cell]]] = [level]
        while level.count > 1 {
            let parents = level.enumerated().map { index, node in
                var box = node[0]
                for c in node.dropFirst() {
                    box.minX = min(box.minX, c.minX); box.maxX = max(box.maxX, c.maxX)
                    box.minY = min(box.minY, c.minY); box.maxY = max(box.maxY, c.maxY)
                }
                box.id = Int64(index)
                return box
            }
            // The children are already in STR order: consecutive ones are neighbours.
            level = stride(from: 0, to: parents.count, by: capacity).map { Array(parents[$0..<min(parents.count, $0 + capacity)]) }
            levels.append(level)
        }
        // Node numbers: the root is 1, then level by level from the top.
        var numbers: [[Int64]] = levels.map { Array(repeating: 0, count: $0.count) }
        var next: Int64 = 2
        for depth in stride(from: levels.count - 1, through: 0, by: -1) {
            for i in levels[depth].indices {
                if depth == levels.count - 1 { numbers[depth][i] = 1 } else { numbers[depth][i] = next; next += 1 }
            }
        }
        let treeDepth = levels.count - 1
        try db.execute("DELETE FROM \(sqlIdentifier(table + "_node")); DELETE FROM \(sqlIdentifier(table + "_rowid")); DELETE FROM \(sqlIdentifier(table + "_parent"));")
        let nodeInsert = try db.prepare("INSERT INTO \(sqlIdentifier(table + "_node")) (nodeno, data) VALUES (?, ?)")
        let parentInsert = try db.prepare("INSERT INTO \(sqlIdentifier(table + "_parent")) (nodeno, parentnode) VALUES (?, ?)")
        let rowidInsert = try db.prepare("INSERT INTO \(sqlIdentifier(table + "_rowid")) (rowid, nodeno) VALUES (?, ?)")
        var blob = [UInt8](repeating: 0, count: nodeSize)
        for depth in stride(from: levels.count - 1, through: 0, by: -1) {
            for (i, node) in levels[depth].enumerated() {
                for k in blob.indices { blob[k] = 0 }
                let number = numbers[depth][i]
                if number == 1 { RTreeBulkLoad.put16(UInt16(treeDepth), at: 0, &blob) }
                RTreeBulkLoad.put16(UInt16(node.count), at: 2, &blob)
                for (k, cell) in node.enumerated() {
                    let at = 4 + 24 * k
                    // A leaf's cell holds the entry's id; a node's, its child's number.
                    let id = depth == 0 ? cell.id : numbers[depth - 1][Int(cell.id)]
                    RTreeBulkLoad.put64(UInt64(bitPattern: id), at: at, &blob)
                    RTreeBulkLoad.put32(cell.minX.bitPattern, at: at + 8, &blob)
                    RTreeBulkLoad.put32(cell.maxX.bitPattern, at: at + 12, &blob)
                    RTreeBulkLoad.put32(cell.minY.bitPattern, at: at + 16, &blob)
                    RTreeBulkLoad.put32(cell.maxY.bitPattern, at: at + 20, &blob)
                    if depth == 0 {
                        try rowidInsert.bindInteger(cell.id, at: 1)
                        try rowidInsert.bindInteger(number, at: 2)
                        try rowidInsert.step()
                        rowidInsert.reset()
                    } else {
                        try parentInsert.bindInteger(id, at: 1)
                        try parentInsert.bindInteger(number, at: 2)
                        try parentInsert.step()
                        parentInsert.reset()
                    }
                }
                try nodeInsert.bindInteger(number, at: 1)
                try nodeInsert.bindBlob(blob[...], at: 2)
                try nodeInsert.step()
                nodeInsert.reset()
            }
        }
    }

    /// Sort-tile-recursive packing of cells into nodes of at most `capacity`.
    static func pack(_ cells: [Cell], capacity: Int) -> [[Cell]] {
        let leaves = (cells.count + capacity - 1) / capacity
        let slices = max(1, Int(Double(leaves).squareRoot().rounded(.up)))
        let perSlice = slices * capacity
        let byX = cells.sorted { ($0.minX + $0.maxX) < ($1.minX + $1.maxX) }
        var nodes: [[Cell]] = []
        nodes.reserveCapacity(leaves)
        var start = 0
        while start < byX.count {
            let slice = byX[start..<min(byX.count, start + perSlice)].sorted { ($0.minY + $0.maxY) < ($1.minY + $1.maxY) }
            var k = 0
            while k < slice.count {
                nodes.append(Array(slice[k..<min(slice.count, k + capacity)]))
                k += capacity
            }
            start += perSlice
        }
        return nodes
    }

    static func put16(_ v: UInt16, at i: Int, _ b: inout [UInt8]) {
        b[i] = UInt8(v >> 8); b[i + 1] = UInt8(v & 0xFF)
    }

    static func put32(_ v: UInt32, at i: Int, _ b: inout [UInt8]) {
        for k in 0..<4 { b[i + k] = UInt8(truncatingIfNeeded: v >> UInt32(24 - 8 * k)) }
    }

    static func put64(_ v: UInt64, at i: Int, _ b: inout [UInt8]) {
        for k in 0..<8 { b[i + k] = UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * k)) }
    }
}
