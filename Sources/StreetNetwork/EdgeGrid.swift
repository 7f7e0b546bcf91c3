import GeoCore

/// A uniform grid over the edges points may snap onto, for the nearest-edge search of
/// ``EdgeSnapper``: each cell lists the edges whose bounding box meets it, and a query visits
/// rings of cells around the point until no unvisited cell can hold a nearer edge.
///
/// Why not the R-tree alone: a best-first search keeps a heap per query and calls its distance
/// back for every candidate box; snapping 100,000 origins spent a third of the walk there. On
/// street networks, whose edges are short and spread evenly, the grid finds the nearest edge
/// among a few cells with no allocation. Points outside the grid, or farther than
/// ``maximumRings`` rings from every edge, are left to the R-tree (`nearest` returns nil).
///
/// The result is the same as an exhaustive search: the least distance, ties to the lowest
/// position (the snapper's edges are in ascending edge order, so: the lowest edge number).
/// Immutable once built, so any number of threads may query it at once.
struct EdgeGrid: Sendable {
    private let minX: Double, minY: Double, cell: Double
    private let columns: Int, rows: Int
    /// Cell c (row-major, `row * columns + column`) lists `items[cellStart[c]..<cellStart[c + 1]]`.
    private let cellStart: [Int32]
    private let items: [Int32]
    /// Each item's box (minX, minY, maxX, maxY), to skip items that cannot be nearer than the best so far.
    private let boxes: [Double]
    /// Rings searched before the query is left to the R-tree (at about 100 m cells, 1.6 km).
    static let maximumRings = 16

    /// A grid over `boxes` (one per item, by position), about one cell per item.
    init(boxes: [Envelope]) {
        var extent = Envelope.empty
        for b in boxes where !b.isEmpty { extent.formUnion(b) }
        let n = boxes.count
        let w: Double = extent.maxX - extent.minX, h: Double = extent.maxY - extent.minY
        var cell: Double = n == 0 ? .nan : (w * h / Double(n)).squareRoot()
        if !(cell > 0) { cell = Swift.max(w, h) / Double(Swift.max(n, 1)) }
        // Never more than about four cells per item (long thin extents).
        let limit = Double(4 * n + 64)
        func cells(_ cell: Double) -> Double {
            let across: Double = (w / cell).rounded(.down) + 1, down: Double = (h / cell).rounded(.down) + 1
            return across * down
        }
        while cell > 0, cell.isFinite, cells(cell) > limit { cell *= 2 }
        guard n > 0, cell > 0, cell.isFinite, w.isFinite, h.isFinite else {
            // No usable grid (no edges, one point, or an extent beyond doubles): the R-tree answers.
            minX = 0; minY = 0; self.cell = 1; columns = 0; rows = 0; cellStart = [0]; items = []; self.boxes = []
            return
        }
        let columns = Int((w / cell).rounded(.down)) + 1, rows = Int((h / cell).rounded(.down)) + 1
        minX = extent.minX
        minY = extent.minY
        self.cell = cell
        self.columns = columns
        self.rows = rows
        let x0 = extent.minX, y0 = extent.minY
        func span(_ b: Envelope) -> (Int, Int, Int, Int) {
            func clamp(_ v: Double, _ count: Int) -> Int { Swift.min(count - 1, Swift.max(0, Int(v.rounded(.down)))) }
            return (clamp((b.minX - x0) / cell, columns), clamp((b.maxX - x0) / cell, columns),
                    clamp((b.minY - y0) / cell, rows), clamp((b.maxY - y0) / cell, rows))
        }
        var start = [Int32](repeating: 0, count: columns * rows + 1)
        for b in boxes where !b.isEmpty {
            let (c0, c1, r0, r1) = span(b)
            for r in r0...r1 { for c in c0...c1 { start[r * columns + c + 1] += 1 } }
        }
        for c in 0..<(columns * rows) { start[c + 1] += start[c] }
        var fill = Array(start.dropLast())
        var items = [Int32](repeating: 0, count: Int(start[columns * rows]))
        for (i, b) in boxes.enumerated() where !b.isEmpty {
            let (c0, c1, r0, r1) = span(b)
            for r in r0...r1 {
                for c in c0...c1 {
                    items[Int(fill[r * columns + c])] = Int32(i)
                    fill[r * columns + c] += 1
                }
            }
        }
        cellStart = start
        self.items = items
        var flat = [Double](repeating: 0, count: 4 * n)
        for (i, b) in boxes.enumerated() {
            flat[4 * i] = b.minX
            flat[4 * i + 1] = b.minY
            flat[4 * i + 2] = b.maxX
            flat[4 * i + 3] = b.maxY
        }
        self.boxes = flat
    }

    /// The item nearest to (px, py) by `distance` (the true distance from the point to the
    /// item, never less than the distance to the item's box); nil when the point lies outside
    /// the grid or the search gives up (the caller asks the R-tree).
    ///
    /// Candidates are compared by `squaredDistance` (the same point, its square, computed
    /// without a square root: `hypot` was a sixth of snapping), and by `distance` only where
    /// two squares are within a relative 1e-12 of each other, so the item is the one the
    /// distances alone would pick, ties to the lowest position included.
    @inline(__always)
    func nearest(_ px: Double, _ py: Double, squaredDistance: (Int) -> Double, distance: (Int) -> Double) -> Int? {
        let fx = (px - minX) / cell, fy = (py - minY) / cell
        guard columns > 0, fx >= 0, fy >= 0, fx < Double(columns), fy < Double(rows) else { return nil }
        let cx = Int(fx), cy = Int(fy)
        // The least square so far, its item, and its exact distance once one was needed.
        var best2 = Double.infinity, bestItem = -1, bestExact = Double.nan
        return cellStart.withUnsafeBufferPointer { start in
            items.withUnsafeBufferPointer { items in
                boxes.withUnsafeBufferPointer { boxes in
                var r = 0
                while true {
                    if r > 0 {
                        // Every cell of ring r lies outside the block of rings < r, which holds the point.
                        let bound = Swift.min(px - (minX + Double(cx - r + 1) * cell), (minX + Double(cx + r) * cell) - px,
                                              py - (minY + Double(cy - r + 1) * cell), (minY + Double(cy + r) * cell) - py)
                        // A margin for rounding in the bound and in the cells' assignment.
                        let best = best2.squareRoot()
                        if bound > best + 1e-9 * Swift.max(1, best) { break }
                        if cx - r < 0, cx + r >= columns, cy - r < 0, cy + r >= rows { break }
                        if r > EdgeGrid.maximumRings { return nil }
                    }
                    // The ring's cells: its top and bottom rows, then its side columns between them.
                    let c0 = Swift.max(cx - r, 0), c1 = Swift.min(cx + r, columns - 1)
                    let r0 = Swift.max(cy - r + 1, 0), r1 = Swift.min(cy + r - 1, rows - 1)
                    let sideCells = r > 0 && r0 <= r1 ? r1 - r0 + 1 : 0
                    let rowCells = c1 - c0 + 1
                    let count = r == 0 ? 1 : 2 * rowCells + 2 * sideCells
                    for k in 0..<count {
                        let column: Int, row: Int
                        if r == 0 { column = cx; row = cy }
                        else if k < rowCells { column = c0 + k; row = cy - r }
                        else if k < 2 * rowCells { column = c0 + k - rowCells; row = cy + r }
                        else if k < 2 * rowCells + sideCells { column = cx - r; row = r0 + k - 2 * rowCells }
                        else { column = cx + r; row = r0 + k - 2 * rowCells - sideCells }
                        guard row >= 0, row < rows, column >= 0, column < columns else { continue }
                        // A cell farther than the best so far holds no nearer item: an item's
                        // nearest point to the query lies in a cell that lists it (1 µm margin
                        // for the rounding of the cell's bounds).
                        if r > 0 {
                            let cellX = minX + Double(column) * cell, cellY = minY + Double(row) * cell
                            let gx = Swift.max(0, cellX - px, px - (cellX + cell)) - 1e-6
                            let gy = Swift.max(0, cellY - py, py - (cellY + cell)) - 1e-6
                            let hx = Swift.max(0, gx), hy = Swift.max(0, gy)
                            if hx * hx + hy * hy > best2 * (1 + 1e-9) + 1e-12 { continue }
                        }
                        let c = row * columns + column
                        for j in Int(start[c])..<Int(start[c + 1]) {
                            let item = Int(items[j])
                            // The distance to the box bounds the item's from below (with a margin for rounding).
                            let gx = Swift.max(0, boxes[4 * item] - px, px - boxes[4 * item + 2])
                            let gy = Swift.max(0, boxes[4 * item + 1] - py, py - boxes[4 * item + 3])
                            if gx * gx + gy * gy > best2 * (1 + 1e-9) + 1e-12 { continue }
                            let d2 = squaredDistance(item)
                            // Below a relative 1e-12 the squares' rounding cannot reverse the
                            // order of the distances; within it (and for squares too small or
                            // too large to trust) the distances decide.
                            let trusted = best2 >= 1e-280 && best2.isFinite
                            if bestItem < 0 || (trusted && d2 < best2 * (1 - 1e-12)) {
                                best2 = d2; bestItem = item; bestExact = .nan
                            } else if !trusted || d2 <= best2 * (1 + 1e-12) {
                                if bestExact.isNaN { bestExact = distance(bestItem) }
                                let d = distance(item)
                                if d < bestExact || (d == bestExact && item < bestItem) {
                                    best2 = d2; bestItem = item; bestExact = d
                                }
                            }
                        }
                    }
                    r += 1
                }
                return bestItem >= 0 ? bestItem : nil
                }
            }
        }
    }
}
