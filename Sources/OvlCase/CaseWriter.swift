import OvlModel

/// Writes a scenario as a case file that ``CaseParser`` reads back to the same scenario.
///
/// Used by `ovl-conform fuzz` to save a shrunk reproducer as an ordinary case. Every layer entry
/// is written out in full (implicit parents too), so nothing depends on parser defaults.
public enum CaseWriter {
    /// The YAML text of a case.
    /// - Parameters:
    ///   - scenario: the layers, options and steps.
    ///   - description: the one-line description.
    ///   - rules: the rule ids the case cites.
    ///   - groups: groups from ``GroupNames/all``.
    public static func yaml(_ scenario: Scenario, description: String, rules: [String], groups: [String] = []) -> String {
        var out = "description: \(quote(description))\n"
        out += "rules: [\(rules.joined(separator: ", "))]\n"
        if !groups.isEmpty { out += "groups: [\(groups.joined(separator: ", "))]\n" }
        if !scenario.options.isEmpty {
            out += "options: \(valueText(.options(scenario.options)))\n"
        }
        if let fs = scenario.layerFS {
            let parts = [fs.lower.map { "lower: \($0)" }, fs.upper.map { "upper: \($0)" },
                         fs.lowers.map { "lowers: [\($0.joined(separator: ", "))]" }].compactMap { $0 }
            out += "layer_fs: {\(parts.joined(separator: ", "))}\n"
        }
        out += "layers:\n  lower:\n"
        let normal = scenario.lowers.count - scenario.dataLayerCount
        for layer in scenario.lowers.prefix(normal) {
            out += layerLines(layer, indent: "    ", listItem: true)
        }
        if scenario.dataLayerCount > 0 {
            out += "  data:\n"
            for layer in scenario.lowers.suffix(scenario.dataLayerCount) {
                out += layerLines(layer, indent: "    ", listItem: true)
            }
        }
        if let upper = scenario.upper {
            let body = layerLines(upper, indent: "    ", listItem: false)
            out += body.isEmpty ? "  upper: {}\n" : "  upper:\n" + body
        } else {
            out += "  upper: none\n"
        }
        if scenario.stageCount > 1 { return out + stagesText(scenario) }
        out += scenario.steps.isEmpty ? "steps: []\n" : "steps:\n"
        for (i, step) in scenario.steps.enumerated() { out += "  - \(stepText(step, adding: inodeArguments(scenario, i)))\n" }
        return out
    }

    /// `stages:` of a staged case: the steps between ``Operation/nextStage(options:)`` steps, each
    /// stage headed by that step's arguments (the first by the case's own first options).
    static func stagesText(_ scenario: Scenario) -> String {
        var stages: [(head: Operation, steps: [Int])] = [(.nextStage(options: scenario.initialOptions), [])]
        for (i, step) in scenario.steps.enumerated() {
            if step.kind == .nextStage { stages.append((step, [])) } else { stages[stages.count - 1].steps.append(i) }
        }
        var out = "stages:\n"
        for stage in stages {
            var lead = "  - "
            for arg in stage.head.arguments {
                out += lead + arg.key + ": " + valueText(arg.value) + "\n"
                lead = "    "
            }
            out += lead + (stage.steps.isEmpty ? "steps: []\n" : "steps:\n")
            for i in stage.steps { out += "      - \(stepText(scenario.steps[i], adding: inodeArguments(scenario, i)))\n" }
        }
        return out
    }

    /// One layer as YAML lines: a list item (`- path: …`) for a lower, a plain mapping for the upper.
    static func layerLines(_ layer: Layer, indent: String, listItem: Bool) -> String {
        var lines: [String] = []
        if layer.root != Node(kind: .dir) { lines.append(".: " + entryText(layer.root, isRoot: true)) }
        // Nodes sharing an inode are hard links: the first name in path order is written in
        // full, the others as `{type: hardlink, target: first}`.
        var firstName: [Int: RelPath] = [:]
        for (path, node) in layer.entries.sorted(by: { $0.key < $1.key }) {
            if let inode = node.inode, !node.kind.isDir {
                if let first = firstName[inode] {
                    lines.append(quote(path.description) + ": {type: hardlink, target: \(quote(first.description))}")
                    continue
                }
                firstName[inode] = path
            }
            lines.append(quote(path.description) + ": " + entryText(node, isRoot: false))
        }
        if lines.isEmpty { return listItem ? indent + "- {}\n" : "" }
        var out = ""
        for (i, line) in lines.enumerated() {
            let lead = listItem ? (i == 0 ? "- " : "  ") : ""
            out += indent + lead + line + "\n"
        }
        return out
    }

    /// A flow mapping with every field of a node.
    static func entryText(_ node: Node, isRoot: Bool) -> String {
        var fields: [String] = []
        switch node.kind {
        case .file(let data): fields += ["type: file", "data: \(quote(data))"]
        case .dir: fields.append("type: dir")
        case .symlink(let target): fields += ["type: symlink", "target: \(quote(target))"]
        case .whiteout: fields.append("type: whiteout")
        case .fifo: fields.append("type: fifo")
        case .chardev(let major, let minor): fields += ["type: chardev", "major: \(major)", "minor: \(minor)"]
        case .blockdev(let major, let minor): fields += ["type: blockdev", "major: \(major)", "minor: \(minor)"]
        }
        fields.append("mode: 0" + String(node.perm, radix: 8))
        if node.uid != 0 { fields.append("uid: \(node.uid)") }
        if node.gid != 0 { fields.append("gid: \(node.gid)") }
        if let mtime = node.mtime, mtime != Node.layerMtime { fields.append("mtime: \(mtime)") }
        if !node.xattrs.isEmpty {
            let pairs = node.xattrs.sorted { $0.key < $1.key }.map { "\(quote($0.key)): \(quote($0.value))" }
            fields.append("xattrs: {\(pairs.joined(separator: ", "))}")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// One step in the syntax ``StepParser`` reads, from ``OvlModel/Operation/arguments``: the
    /// bare name of a step without arguments, `name: value` when the lone argument is the one the
    /// syntax lets stand alone (``OvlModel/StepSyntax/bareKey``), else `name: {key: value, …}`;
    /// a step run `as:` a caller is a flow mapping of the step and its `as:` side by side.
    /// `stage` is written as `stage: {options: […]}` (a case writes it as an item of `stages:`).
    /// - Parameter extra: arguments the case adds to the step's own (``inodeArguments(_:_:)``).
    static func stepText(_ op: Operation, adding extra: [StepArgument] = []) -> String {
        let (step, caller) = parts(op, adding: extra)
        return caller.map { "{" + step + ", as: " + $0 + "}" } ?? step
    }

    /// One step as an item of a `parallel` block: always a flow mapping.
    static func itemText(_ op: Operation) -> String {
        let (step, caller) = parts(op, adding: [])
        return "{" + step + (caller.map { ", as: " + $0 } ?? "") + "}"
    }

    /// The step's `name: arguments` and its caller's `as:` value, if it has one.
    static func parts(_ op: Operation, adding extra: [StepArgument]) -> (step: String, caller: String?) {
        var args = op.arguments
        var caller: String?
        if let last = args.last, last.key == "as" {
            caller = valueText(last.value)
            args.removeLast()
        }
        args += extra
        if args.isEmpty { return (op.name, caller) }
        if args.count == 1, args[0].key == op.kind.syntax.bareKey { return (op.name + ": " + valueText(args[0].value), caller) }
        return (op.name + ": " + mappingText(args), caller)
    }

    /// The `same_inode_as`/`other_inode_than` key of step `index` (0-based), if the case gives one
    /// (``OvlModel/StepKind/inodeKeys``; steps are numbered across stages from 1).
    static func inodeArguments(_ scenario: Scenario, _ index: Int) -> [StepArgument] {
        scenario.inodeChecks.filter { $0.step == index }.map {
            StepArgument($0.same ? "same_inode_as" : "other_inode_than", .integer(Int64($0.other + 1)))
        }
    }

    /// A flow mapping of arguments, in their order.
    static func mappingText(_ args: [StepArgument]) -> String {
        "{" + args.map { $0.key + ": " + valueText($0.value) }.joined(separator: ", ") + "}"
    }

    /// One argument's value in the syntax ``StepParser`` reads.
    static func valueText(_ value: ArgumentValue) -> String {
        switch value {
        case .path(let p): quote(p.description)
        case .text(let s), .name(let s): quote(s)
        case .mode(let m): mode(m)
        case .integer(let n): "\(n)"
        case .bool(let b): "\(b)"
        case .lowerLayer(let k): "\(k)"
        case .keyword(let w): w
        case .keywords(let ws): "[" + ws.joined(separator: ", ") + "]"
        case .names(let ns): "[" + ns.map(quote).joined(separator: ", ") + "]"
        case .entry(let node): entryText(node, isRoot: false)
        case .steps(let ops): "[" + ops.map(itemText).joined(separator: ", ") + "]"
        case .caller(let c):
            "{uid: \(c.uid), gid: \(c.gid)" + (c.umask == 0 ? "" : ", umask: " + mode(c.umask)) + "}"
        case .options(let o): "[" + o.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// Permission bits in octal with a leading `0`.
    static func mode(_ m: UInt32) -> String { "0" + String(m, radix: 8) }

    /// A YAML double-quoted scalar: `\`, `"` and control characters escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
