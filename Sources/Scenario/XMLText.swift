/// A small XML element for the files QGIS reads (projects and styles): a name, attributes in
/// order, children or text. Rendering escapes everything it writes.
struct XMLElement {
    var name: String
    var attributes: [(String, String)] = []
    var children: [XMLElement] = []
    var text: String?

    init(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil, _ children: [XMLElement] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The element as indented text.
    func render(indent: Int = 0, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        out += pad + "<" + name
        for (key, value) in attributes { out += " \(key)=\"\(XMLElement.escape(value))\"" }
        if children.isEmpty && text == nil {
            out += "/>\n"
            return
        }
        out += ">"
        if let text { out += XMLElement.escape(text) }
        if !children.isEmpty {
            out += "\n"
            for child in children { child.render(indent: indent + 1, into: &out) }
            out += pad
        }
        out += "</\(name)>\n"
    }

    var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#xa;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
