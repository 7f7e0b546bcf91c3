#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style fixed decimals ("%.Nf"), without Foundation's `String(format:)`.
public func decimalText(_ value: Double, decimals: Int) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
        let n = withVaList([Int32(decimals), value]) { vsnprintf(buffer.baseAddress, 512, "%.*f", $0) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(max(0, min(n, 511)))).bindMemory(to: UInt8.self), as: UTF8.self)
    }
}
