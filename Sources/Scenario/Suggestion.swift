/// The nearest known name to a misspelled one, for "did you mean `rooftop-solar`?": the
/// candidate with the fewest single-character edits (insertions, deletions, substitutions,
/// and swaps of neighbours, ignoring case), if it is near enough to be a slip of the keys
/// rather than another word: at most a third of the longer name's characters, and at least 1.
enum Suggestion {
    /// The best candidate for `name`, or nil when none is near (ties go to the first listed).
    static func nearest(to name: String, among candidates: some Sequence<String>) -> String? {
        let typed = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let known = Array(candidate.lowercased())
            let allowed = max(1, max(typed.count, known.count) / 3)
            let d = distance(typed, known)
            if d <= allowed, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// " (did you mean `x`?)" for messages, or "" when nothing is near.
    static func phrase(for name: String, among candidates: some Sequence<String>) -> String {
        nearest(to: name, among: candidates).map { " (did you mean `\($0)`?)" } ?? ""
    }

    /// The words an enum of words (`CaseIterable` with `String` raw values) knows, in order;
    /// nil for any other type.
    static func names(of type: Any.Type) -> [String]? {
        guard let cases = type as? any CaseIterable.Type else { return nil }
        func words<C: CaseIterable>(_: C.Type) -> [String] {
            C.allCases.compactMap { ($0 as? any RawRepresentable).flatMap { $0.rawValue as? String } }
        }
        let names = words(cases)
        return names.isEmpty ? nil : names
    }

    /// Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one
    /// substring), by dynamic programming over three rows.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
