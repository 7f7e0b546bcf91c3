import GeoIO

/// Selects features by one attribute: equal to a value, one of a set of values, or matching a
/// regular expression (anywhere in the value's text). `lines` matching `U4[0-9]` selects the
/// stops of Dortmund's Stadtbahn lines U41–U49 from the VRR stop layer.
public struct AttributeFilter: Codable, Sendable, Equatable {
    /// The property to test.
    public var field: String
    /// The value must equal this text (numbers compare by their text).
    public var equals: String?
    /// The value must be one of these texts.
    public var oneOf: [String]?
    /// The value's text must contain a match of this regular expression.
    public var matches: String?

    public init(field: String, equals: String? = nil, oneOf: [String]? = nil, matches: String? = nil) {
        self.field = field
        self.equals = equals
        self.oneOf = oneOf
        self.matches = matches
    }

    enum CodingKeys: String, CodingKey { case field, equals, oneOf = "in", matches }

    /// Checks that the filter names exactly one test and that its expression compiles.
    public func validate() throws {
        let tests = [equals != nil, oneOf != nil, matches != nil].filter { $0 }.count
        guard tests == 1 else {
            throw AnalysisError.invalidParameter(parameter: "filter on '\(field)'", value: "\(tests) tests",
                                                 expected: "exactly one of equals, in, matches")
        }
        if let matches {
            do { _ = try Regex(matches) } catch {
                throw AnalysisError.invalidParameter(parameter: "filter on '\(field)'.matches", value: matches, expected: "a regular expression (\(error))")
            }
        }
    }

    /// A compiled filter, for testing many features.
    public func compiled() throws -> Compiled {
        try validate()
        return Compiled(filter: self, regex: try matches.map { try Regex($0) })
    }

    public struct Compiled: @unchecked Sendable {
        let filter: AttributeFilter
        let regex: Regex<AnyRegexOutput>?

        /// Whether the feature passes. A missing or null value never passes.
        public func accepts(_ feature: Feature) -> Bool {
            guard let value = feature.properties[filter.field], !value.isNull else { return false }
            let text = value.description
            if let equals = filter.equals { return text == equals }
            if let set = filter.oneOf { return set.contains(text) }
            if let regex { return text.contains(regex) }
            return true
        }
    }
}

extension Layer {
    /// The features that pass `filter` (all of them when it is nil), in order.
    public func filtered(by filter: AttributeFilter?) throws -> Layer {
        guard let filter else { return self }
        let test = try filter.compiled()
        return Layer(name: name, crs: crs, features: features.filter(test.accepts))
    }
}
