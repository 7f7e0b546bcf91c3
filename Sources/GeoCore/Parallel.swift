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
public func concurrentChunks<T>(_ count: Int, chunks: Int, minimumChunk: Int = 64,
                                _ body: (Int, Int) throws -> T) throws -> [T] {
    let pieces = Swift.max(1, Swift.min(chunks, count / Swift.max(1, minimumChunk)))
    guard pieces > 1 else { return try (0..<count).map { try body($0, 0) } }
    var results = [T?](repeating: nil, count: count)
    let failure = Locked<(any Error)?>(nil)
    try withoutActuallyEscaping(body) { body in
        try results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            nonisolated(unsafe) let body = body
            let next = Locked(0)
            DispatchQueue.concurrentPerform(iterations: Swift.min(pieces, Cores.available)) { _ in
                while true {
                    let piece = next.withLock { n -> Int in defer { n += 1 }; return n }
                    guard piece < pieces, failure.withLock({ $0 == nil }) else { return }
                    let first = count * piece / pieces, last = count * (piece + 1) / pieces
                    do {
                        for i in first..<last { out[i] = try body(i, piece) }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                    }
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
        }
    }
    return results.map { $0! }
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
