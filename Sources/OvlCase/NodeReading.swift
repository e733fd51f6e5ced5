import OvlModel
import Yams

/// A YAML node from Yams (not to be confused with ``OvlModel/Node``).
typealias YNode = Yams.Node

/// Reads Yams nodes of one source text, turning every mismatch into a located ``CaseError``.
///
/// All node-kind checks, integer and mode conversions and key checks live here, so every
/// message has one wording.
struct NodeReader: Sendable {
    let file: String
    let lines: [String]

    init(file: String, source: String) {
        self.file = file
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
    }

    // MARK: Locations and errors

    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: max(line, 1), column: max(column, 1))
    }

    func location(of node: YNode) -> SourceLocation {
        guard let mark = node.mark else { return location(line: 1, column: 1) }
        return location(line: mark.line, column: mark.column)
    }

    /// The source line at `location` and a caret under its column; nil outside the text or
    /// on an empty line (an error at the end of the file).
    func snippet(at location: SourceLocation) -> String? {
        guard location.line >= 1, location.line <= lines.count else { return nil }
        let line = lines[location.line - 1]
        guard !line.isEmpty else { return nil }
        var caret = ""
        var count = 0
        for scalar in line.unicodeScalars {
            if count >= location.column - 1 { break }
            caret.append(scalar == "\t" ? "\t" : " ")
            count += 1
        }
        if count < location.column - 1 {
            caret += String(repeating: " ", count: location.column - 1 - count)
        }
        return line + "\n" + caret + "^"
    }

    func error(_ message: String, at location: SourceLocation) -> CaseError {
        CaseError(location: location, message: message, snippet: snippet(at: location))
    }

    func error(_ message: String, at node: YNode) -> CaseError {
        error(message, at: location(of: node))
    }

    // MARK: Node kinds

    /// True for a plain scalar YAML reads as null: empty, `~` or `null`.
    func isNull(_ node: YNode) -> Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// "a mapping", "a sequence", "a scalar" or "null", for messages.
    func kindName(_ node: YNode) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        case .alias: "an alias"
        case .scalar: isNull(node) ? "null" : "a scalar"
        }
    }

    func mapping(_ node: YNode) throws(CaseError) -> YNode.Mapping {
        guard case let .mapping(mapping) = node else {
            throw error("expected a mapping, found \(kindName(node))", at: node)
        }
        return mapping
    }

    func sequence(_ node: YNode) throws(CaseError) -> [YNode] {
        guard case let .sequence(sequence) = node else {
            throw error("expected a sequence, found \(kindName(node))", at: node)
        }
        return Array(sequence)
    }

    /// The text of any scalar (numbers and booleans as written).
    func text(_ node: YNode) throws(CaseError) -> String {
        guard case let .scalar(scalar) = node else {
            throw error("expected a scalar, found \(kindName(node))", at: node)
        }
        return scalar.string
    }

    /// The text of a scalar that is not null and not empty.
    func nonEmptyText(_ node: YNode) throws(CaseError) -> String {
        let value = try text(node)
        guard !isNull(node), !value.isEmpty else { throw error("expected a non-empty string, found null", at: node) }
        return value
    }

    // MARK: Numbers

    /// A decimal integer in `range`.
    func integer(_ node: YNode, in range: ClosedRange<Int64>) throws(CaseError) -> Int64 {
        let value = try text(node)
        guard let number = Int64(value) else {
            throw error("expected an integer, found '\(value)'", at: node)
        }
        guard range.contains(number) else {
            throw error("integer \(value) is out of range \(range.lowerBound)...\(range.upperBound)", at: node)
        }
        return number
    }

    func uint32(_ node: YNode) throws(CaseError) -> UInt32 {
        let number = try integer(node, in: 0...Int64(UInt32.max))
        guard let value = UInt32(exactly: number) else {
            throw error("integer \(number) is out of range 0...\(UInt32.max)", at: node)
        }
        return value
    }

    func int64(_ node: YNode) throws(CaseError) -> Int64 {
        try integer(node, in: Int64.min...Int64.max)
    }

    func nonNegativeInt64(_ node: YNode) throws(CaseError) -> Int64 {
        try integer(node, in: 0...Int64.max)
    }

    /// A permission mode, always octal: `0755`, `0o755` and `755` are the same; at most `07777`.
    func mode(_ node: YNode) throws(CaseError) -> UInt32 {
        let value = try text(node)
        var digits = Substring(value)
        if digits.hasPrefix("0o") || digits.hasPrefix("0O") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }) else {
            throw error("expected an octal mode like 0755, found '\(value)'", at: node)
        }
        let significant = digits.drop(while: { $0 == "0" })
        guard significant.count <= 4, let mode = UInt32(significant.isEmpty ? "0" : significant, radix: 8), mode <= 0o7777 else {
            throw error("mode '\(value)' is larger than 07777", at: node)
        }
        return mode
    }

    func bool(_ node: YNode) throws(CaseError) -> Bool {
        let value = try text(node)
        switch value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(value)'", at: node)
        }
    }

    // MARK: Paths

    /// A path inside the case's layers; everything goes through ``RelPath/init(parsing:)``.
    /// `.` is the root (of a layer, or of the merged view).
    func path(_ node: YNode) throws(CaseError) -> RelPath {
        let value = try text(node)
        guard let path = RelPath(parsing: value) else {
            throw error("path '\(value)' leaves the case's layers (absolute, '..', '.' or empty component)", at: node)
        }
        return path
    }

    // MARK: Mappings with known keys

    /// Checks that every key of `node` is a scalar from `allowed`, and gives access to the values.
    func fields(_ node: YNode, allowed: [String]) throws(CaseError) -> Fields {
        let map = try mapping(node)
        var values: [String: (key: YNode, value: YNode)] = [:]
        var order: [String] = []
        for (key, value) in map {
            guard case let .scalar(scalar) = key else {
                throw error("expected a scalar key, found \(kindName(key))", at: key)
            }
            let name = scalar.string
            guard allowed.contains(name) else {
                throw error("unknown key '\(name)'; expected one of: \(allowed.sorted().joined(separator: ", "))", at: key)
            }
            values[name] = (key, value)
            order.append(name)
        }
        return Fields(reader: self, node: node, values: values, order: order)
    }

    /// The entries of a mapping whose keys are free scalars (paths, xattr names), in order.
    func pairs(_ node: YNode) throws(CaseError) -> [(key: String, keyNode: YNode, value: YNode)] {
        let map = try mapping(node)
        var result: [(key: String, keyNode: YNode, value: YNode)] = []
        for (key, value) in map {
            guard case let .scalar(scalar) = key else {
                throw error("expected a scalar key, found \(kindName(key))", at: key)
            }
            result.append((scalar.string, key, value))
        }
        return result
    }
}

/// The checked keys of one mapping.
struct Fields {
    let reader: NodeReader
    let node: YNode
    let values: [String: (key: YNode, value: YNode)]
    /// The keys in source order.
    let order: [String]

    var isEmpty: Bool { values.isEmpty }

    func has(_ key: String) -> Bool { values[key] != nil }

    subscript(key: String) -> YNode? { values[key]?.value }

    /// The key node of `key`, for errors about the key itself.
    func keyNode(_ key: String) -> YNode? { values[key]?.key }

    /// The value of `key`, or an error at the mapping: `missing` or "missing required key 'K'".
    func required(_ key: String, missing: String? = nil) throws(CaseError) -> YNode {
        guard let value = values[key]?.value else {
            throw reader.error(missing ?? "missing required key '\(key)'", at: node)
        }
        return value
    }
}
