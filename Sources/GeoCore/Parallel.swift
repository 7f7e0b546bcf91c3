import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processors this process uses: all online ones, unless limited (`--jobs N`).
public enum Cores {
    /// The processors online.
    public static let online: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return Swift.max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
        #endif
    }()

    private static let limit = Locked<Int?>(nil)

    /// How many threads batch work runs on.
    public static var available: Int { limit.withLock { $0 } ?? online }

    /// Limits batch work to `threads` threads (nil: all processors). Set it before work starts.
    public static func limit(to threads: Int?) {
        limit.withLock { $0 = threads.map { Swift.max(1, $0) } }
    }
}

/// Runs `body(i, chunk)` for every i in 0..<count on ``Cores/available`` threads: the range is
/// cut into at most `chunks` contiguous pieces (none smaller than `minimumChunk`), which the
/// threads take in turn. `chunk` (below `chunks`) names the piece, so that callers can keep state per piece
/// (an encoder, a buffer). Results come back in input order. The first error thrown stops the
/// pieces that have not started and is rethrown.
///
/// Each result is written once, straight into the array returned (no optional per element and
/// no second pass to unwrap it: for a batch of parsed features that pass cost as much as the
/// bookkeeping around it).
public func concurrentChunks<T>(_ count: Int, chunks: Int, minimumChunk: Int = 64,
                                _ body: (Int, Int) throws -> T) throws -> [T] {
    let pieces = Swift.max(1, Swift.min(chunks, count / Swift.max(1, minimumChunk)))
    guard pieces > 1 else { return try (0..<count).map { try body($0, 0) } }
    // Per piece, how many of its results are initialized (to clean up after an error).
    var done = [Int](repeating: 0, count: pieces)
    return try [T](unsafeUninitializedCapacity: count) { out, initialized in
        nonisolated(unsafe) let out = out
        try done.withUnsafeMutableBufferPointer { done in
            nonisolated(unsafe) let done = done
            do {
                try concurrentPieces(count, pieces: pieces) { piece, range in
                    for i in range {
                        (out.baseAddress! + i).initialize(to: try body(i, piece))
                        done[piece] += 1
                    }
                }
            } catch {
                for piece in 0..<pieces {
                    let first = count * piece / pieces
                    (out.baseAddress! + first).deinitialize(count: done[piece])
                }
                throw error
            }
        }
        initialized = count
    }
}

/// Runs `body(piece, range)` for the `pieces` contiguous ranges that cut 0..<count, on
/// ``Cores/available`` threads (the non-generic core of ``concurrentChunks(_:chunks:minimumChunk:_:)``).
/// The first error thrown stops the pieces that have not started and is rethrown.
///
/// `alongside`, when given, runs once on the first thread that starts, before it takes pieces:
/// sequential work that can overlap the pieces (a reader scanning its next batch while this one
/// is parsed). Its error is rethrown like a piece's.
public func concurrentPieces(_ count: Int, pieces: Int, alongside: (() throws -> Void)? = nil,
                             _ body: (Int, Range<Int>) throws -> Void) throws {
    let failure = Locked<(any Error)?>(nil)
    try withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        nonisolated(unsafe) let alongside = alongside
        let next = Locked(0)
        let extraTaken = Locked(alongside == nil)
        DispatchQueue.concurrentPerform(iterations: Swift.min(Swift.max(pieces, alongside == nil ? 1 : 2), Cores.available)) { _ in
            if extraTaken.withLock({ taken in defer { taken = true }; return !taken }), let alongside {
                do { try alongside() } catch { failure.withLock { if $0 == nil { $0 = error } } }
            }
            while true {
                let piece = next.withLock { n -> Int in defer { n += 1 }; return n }
                guard piece < pieces, failure.withLock({ $0 == nil }) else { return }
                do {
                    try body(piece, count * piece / pieces..<count * (piece + 1) / pieces)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

extension Array where Element: Sendable {
    /// `map` on all cores, results in input order (see ``concurrentChunks(_:chunks:minimumChunk:_:)``).
    /// Small arrays (under two `minimumChunk`s) are mapped on the calling thread, where threads
    /// would cost more than they save.
    public func parallelMap<T>(minimumChunk: Int = 256, _ transform: (Element) throws -> T) throws -> [T] {
        try withUnsafeBufferPointer { elements in
            nonisolated(unsafe) let elements = elements
            return try concurrentChunks(elements.count, chunks: Cores.available * 8, minimumChunk: minimumChunk) { i, _ in
                try transform(elements[i])
            }
        }
    }
}
