import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// `map` on all cores: the array is cut into contiguous chunks that threads take in
    /// turn, and the results come back in input order. The first error thrown stops the
    /// chunks that have not started and is rethrown.
    ///
    /// Small arrays (under two `minimumChunk`s) are mapped on the calling thread, where
    /// threads would cost more than they save.
    public func parallelMap<T>(minimumChunk: Int = 256, _ transform: (Element) throws -> T) throws -> [T] {
        let n = count
        let cores = ProcessInfoCores.active
        guard cores > 1, n >= 2 * minimumChunk else { return try map(transform) }
        let chunks = Swift.min(n / minimumChunk, cores * 8)
        var results = [T?](repeating: nil, count: n)
        let failure = Locked<(any Error)?>(nil)
        let failed = Atomic<Bool>(false)
        try withoutActuallyEscaping(transform) { transform in
            try results.withUnsafeMutableBufferPointer { out in
                try self.withUnsafeBufferPointer { input in
                    nonisolated(unsafe) let out = out
                    nonisolated(unsafe) let input = input
                    nonisolated(unsafe) let transform = transform
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let start = n * chunk / chunks
                        let end = n * (chunk + 1) / chunks
                        for i in start..<end {
                            if failed.load(ordering: .relaxed) { return }
                            do {
                                out[i] = try transform(input[i])
                            } catch {
                                failure.withLock { if $0 == nil { $0 = error } }
                                failed.store(true, ordering: .relaxed)
                                return
                            }
                        }
                    }
                    if let error = failure.withLock({ $0 }) { throw error }
                }
            }
        }
        return results.map { $0! }
    }
}

/// How many cores the process may use.
enum ProcessInfoCores {
    static let active: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return Swift.max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
