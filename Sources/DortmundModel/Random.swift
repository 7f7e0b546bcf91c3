/// A small, fast, seedable random number generator (SplitMix64, Steele et al. 2014), so that
/// a seed gives the same city on every machine and Swift version (the standard library's
/// generator cannot be seeded).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one named stream and index (a block, a lot): streams do not depend on
    /// the order they are used in, so blocks can be generated on any number of threads.
    init(seed: UInt64, stream: String, index: Int = 0) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a over the stream name
        for byte in stream.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        var mix = SeededRandom(seed: seed ^ h ^ (UInt64(bitPattern: Int64(index)) &* 0x9E37_79B9_7F4A_7C15))
        state = mix.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b).
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }

    /// Uniform integer in a closed range.
    mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with probability p.
    mutating func chance(_ p: Double) -> Bool { unit() < p }
}

/// Smooth value noise in 0…1 over the plane (a lattice of random values, blended with a
/// smoothstep): parks and woods come in patches, not as salt and pepper.
struct ValueNoise {
    let seed: UInt64
    /// Lattice spacing in metres.
    let scale: Double

    func value(_ x: Double, _ y: Double) -> Double {
        let gx = x / scale, gy = y / scale
        let x0 = gx.rounded(.down), y0 = gy.rounded(.down)
        let fx = gx - x0, fy = gy - y0
        let sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy)
        func corner(_ i: Double, _ j: Double) -> Double {
            var r = SeededRandom(seed: seed ^ (UInt64(bitPattern: Int64(i)) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(bitPattern: Int64(j)) &* 0xC2B2_AE3D_27D4_EB4F))
            return r.unit()
        }
        let a = corner(x0, y0), b = corner(x0 + 1, y0), c = corner(x0, y0 + 1), d = corner(x0 + 1, y0 + 1)
        return (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy
    }
}
