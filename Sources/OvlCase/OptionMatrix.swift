import OvlModel

/// One axis of a case's option matrix: a mount option and the values it takes in turn.
public struct MatrixAxis: Sendable, Equatable {
    /// The option name, from ``OvlModel/MountOption/known``.
    public var key: String
    /// The values in order: a value (`on`, `nofollow`, …), `set` for a flag given, or nil (`unset`)
    /// for the option left out of the mount.
    public var values: [String?]

    public init(key: String, values: [String?]) { self.key = key; self.values = values }

    /// The word a case uses for "not given".
    static let unset = "unset"
    /// The word a case uses for a flag option that is given.
    static let set = "set"
    /// The axis that is no option: the API the mount goes through (`mount2`, `fsconfig`, R3).
    static let apiKey = "api"
}

extension Case {
    /// One case per combination of the option matrix (the case itself when it has none), in
    /// source order, the last axis varying fastest. Each combination's options follow the case's
    /// own `options:` in axis order, and its id is the case id plus the combination, e.g.
    /// `mount/012-options{redirect_dir=on,index=unset}`, so every report names it.
    public func expanded() -> [Case] {
        guard !matrix.isEmpty else { return [self] }
        var combinations: [[(key: String, value: String?)]] = [[]]
        for axis in matrix {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [(axis.key, $0)] } }
        }
        return combinations.map { combination in
            var variant = self
            variant.matrix = []
            variant.id = id + "{" + combination.map { "\($0.key)=\($0.value ?? MatrixAxis.unset)" }.joined(separator: ",") + "}"
            for (key, value) in combination where key == MatrixAxis.apiKey {
                variant.scenario.mountSpec?.api = MountAPI(rawValue: value ?? "") ?? .mount2
            }
            for (key, value) in combination where value != nil && key != MatrixAxis.apiKey {
                variant.scenario.options.append(MountOption(key: key, value: value == MatrixAxis.set ? nil : value))
            }
            return variant
        }
    }
}

extension CaseParser {
    /// Reads `matrix:`, a mapping from option name to a non-empty list of values; each value is
    /// one the option accepts, `set` for a flag option, or `unset`. An option may not appear both
    /// in `options:` and in the matrix, nor twice in one list.
    static func parseMatrix(_ node: YNode, options: [MountOption], reader: NodeReader) throws(CaseError) -> [MatrixAxis] {
        var axes: [MatrixAxis] = []
        for (key, keyNode, valuesNode) in try reader.pairs(node) {
            if key == MatrixAxis.apiKey {
                var values: [String?] = []
                for item in try reader.sequence(valuesNode) {
                    let v = try reader.text(item)
                    guard MountAPI(rawValue: v) != nil, !values.contains(v) else {
                        throw reader.error("the api axis takes each of \(MountAPI.allCases.map(\.rawValue).joined(separator: ", ")) at most once; found '\(v)'", at: item)
                    }
                    values.append(v)
                }
                guard !values.isEmpty else { throw reader.error("the api axis needs at least one api", at: valuesNode) }
                axes.append(MatrixAxis(key: key, values: values))
                continue
            }
            guard let known = MountOption.known.first(where: { $0.key == key }) else {
                let keys = MountOption.known.map(\.key).sorted().joined(separator: ", ")
                throw reader.error("unknown mount option '\(key)'; expected one of: \(keys)", at: keyNode)
            }
            if options.contains(where: { $0.key == key }) {
                throw reader.error("mount option '\(key)' is both in 'options' and in 'matrix'", at: keyNode)
            }
            let allowed = (known.values.isEmpty ? [MatrixAxis.set] : known.values) + [MatrixAxis.unset]
            let items = try reader.sequence(valuesNode)
            guard !items.isEmpty else {
                throw reader.error("matrix option '\(key)' needs at least one value; expected any of: \(allowed.joined(separator: ", "))", at: valuesNode)
            }
            var values: [String?] = []
            for item in items {
                let value = try reader.text(item)
                guard allowed.contains(value) else {
                    throw reader.error("bad value '\(value)' for matrix option '\(key)'; expected one of: \(allowed.joined(separator: ", "))", at: item)
                }
                let entry: String? = value == MatrixAxis.unset ? nil : value
                guard !values.contains(entry) else {
                    throw reader.error("value '\(value)' is listed twice for matrix option '\(key)'", at: item)
                }
                values.append(entry)
            }
            axes.append(MatrixAxis(key: key, values: values))
        }
        guard !axes.isEmpty else { throw reader.error("'matrix' needs at least one option", at: node) }
        return axes
    }
}
