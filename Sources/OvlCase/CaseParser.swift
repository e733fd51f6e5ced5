import Foundation
import OvlModel
import Yams

/// Reads case files (`cases/**/*.yaml`) into ``Case`` values.
///
/// # The case format
///
/// ```yaml
/// description: unlink of a lower file leaves a 0:0 whiteout   # required, a string
/// rules: [R33, R30]                                            # required, non-empty, each ^R[0-9]+$
/// groups: [whiteout, quick]                                    # optional, from GroupNames.all
/// options: [redirect_dir=on, index=on, userxattr]              # optional, "key=value" or a bare flag
/// matrix: {redirect_dir: [on, nofollow, unset], userxattr: [set, unset]}  # optional: one case per
///                                                              # combination (see ``Case/expanded()``)
/// layers:                                                      # required
///   lower:                       # required: a list of layers, top first, at least one
///     - d/f: hello               # a scalar => a regular file with that content
///       d/sub: {type: dir, mode: 0700}
///       d/ln: {type: symlink, target: f}
///       d/w: {type: whiteout}
///       d/p: {type: fifo}
///       d/c: {type: chardev, major: 1, minor: 3}
///       d/g: {type: file, data: "x\n", mode: 0600, uid: 1000, gid: 1000, mtime: 1234, xattrs: {user.a: "1"}}
///       d/o: {type: dir, opaque: true}     # shorthand for xattr trusted.overlay.opaque = "y"
///       .: {mode: 0755, xattrs: {user.r: "1"}}   # the layer root itself
///     - {}                       # an empty layer
///     - "@0/d"                   # directory d of lower layer 0 (overlapping layers)
///   upper:                       # optional: absent => an empty upper; `none` => no upper (read-only)
///     d/x: hello
/// layer_fs: {upper: ramfs}       # optional: upper (and work) or lowers on ramfs / ext4-nodtype;
///                                #   {lowers: [ext4, ext4-twin]}: one fs per lower layer
/// steps:                         # optional, run in order
///   - stat: d/f
///   - write: {path: d/f, data: "new"}
///   - remount                    # steps without arguments may be a bare name
/// ```
///
/// ## Entries
/// Keys: `type` (`file`, `dir`, `symlink`, `whiteout`, `fifo`, `chardev`; `file` when only `data`
/// is given), `data` (file), `mode` (always octal: `0755`, `0o755` and `755` are the same; at most
/// `07777`), `uid`, `gid`, `mtime` (seconds; default ``OvlModel/Node/layerMtime``), `xattrs`
/// (name → string), `target` (symlink, any string), `major`/`minor` (chardev, not 0:0),
/// `opaque` (dir). `{}` is an error. Missing parent directories are added (mode 0755); an entry
/// inside a listed non-directory is an error.
///
/// ## Paths
/// Every entry key and step path must stay inside the layers: no leading `/`, no `..` or `.`
/// component, no empty component (a trailing `/` is allowed: an entry key drops it; a step path
/// keeps it, drops it or refuses it as ``OvlModel/StepKind/trailingSlash`` says).
///
/// ## Steps
/// - `stat`, `lstat`, `read`, `readdir`, `readlink`, `unlink`, `rmdir`, `listxattr`, `open_rdwr`:
///   a path, or `{path}`
/// - `write`, `append`: `{path, data}`; `truncate`: `{path, size}`
/// - `mkdir` (mode 0755), `create` (mode 0644): a path, or `{path, mode}`
/// - `mknod`: `{path, type: fifo}` or `{path, type: chardev, major, minor}`
/// - `symlink`: `{target, path}`
/// - `rename`: `{old, new, flags: [RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT]}`
/// - `chmod`: `{path, mode}`; `chown`: `{path, uid, gid}`; `utimes`: `{path, mtime}`
/// - `setxattr`: `{path, name, value}`; `getxattr`, `removexattr`: `{path, name}`
/// - `remount`, `drop_caches`: a bare name (or with a null / `{}` value)
///
/// Scalars are read as written, so `data: 123` is the text `123`.
///
/// Every problem is a ``CaseError`` located at the offending node, with the source line and
/// a caret; unknown keys, steps, types and values list the valid alternatives.
public enum CaseParser {
    static let topKeys = ["description", "rules", "groups", "options", "matrix", "layer_fs", "layers", "steps", "stages", "fsck", "mount"]

    /// Parses the text of a case file. `file` is used for locations and the case id.
    public static func parse(yaml: String, file: String) throws(CaseError) -> Case {
        let reader = NodeReader(file: file, source: yaml)
        let root: YNode
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw reader.error("the case file is empty; expected a mapping with keys: \(topKeys.sorted().joined(separator: ", "))",
                                   at: reader.location(line: 1, column: 1))
            }
            root = node
        } catch let error as CaseError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, reader: reader)
        } catch {
            throw reader.error("invalid YAML: \(error)", at: reader.location(line: 1, column: 1))
        }
        return try parseCase(root, reader: reader)
    }

    /// Reads and parses a case file; an unreadable file is an error at 1:1.
    public static func parse(file: String) throws(CaseError) -> Case {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw CaseError(location: SourceLocation(file: file, line: 1, column: 1), message: "the file is not valid UTF-8")
            }
            text = decoded
        } catch let error as CaseError {
            throw error
        } catch {
            throw CaseError(location: SourceLocation(file: file, line: 1, column: 1),
                            message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: file)
    }

    /// The id of a case: its path below the nearest ancestor folder named `cases`, without
    /// `.yaml`; the bare file name without `.yaml` when there is no such folder.
    static func caseID(file: String) -> String {
        var parts = file.split(separator: "/").map(String.init)
        if let last = parts.last, last.hasSuffix(".yaml") {
            parts[parts.count - 1] = String(last.dropLast(5))
        }
        guard !parts.isEmpty else { return file }
        if let index = parts.dropLast().lastIndex(of: "cases") {
            return parts[(index + 1)...].joined(separator: "/")
        }
        return parts[parts.count - 1]
    }

    static func parseCase(_ root: YNode, reader: NodeReader) throws(CaseError) -> Case {
        guard case .mapping = root else {
            throw reader.error("expected a mapping, found \(reader.kindName(root)) (a case is a mapping with keys: \(topKeys.sorted().joined(separator: ", ")))", at: root)
        }
        let fields = try reader.fields(root, allowed: topKeys)
        let description = try reader.nonEmptyText(try fields.required("description"))

        let rulesNode = try fields.required("rules")
        let ruleItems = try reader.sequence(rulesNode)
        guard !ruleItems.isEmpty else { throw reader.error("'rules' needs at least one rule, like R33", at: rulesNode) }
        var rules: [String] = []
        for item in ruleItems {
            let rule = try reader.text(item)
            guard isRuleName(rule) else { throw reader.error("a rule is 'R' and a number, like R33; found '\(rule)'", at: item) }
            rules.append(rule)
        }

        var groups: [String] = []
        if let groupsNode = fields["groups"] {
            for item in try reader.sequence(groupsNode) {
                let group = try reader.text(item)
                guard GroupNames.all.contains(group) else {
                    throw reader.error("unknown group '\(group)'; expected one of: \(GroupNames.all.sorted().joined(separator: ", "))", at: item)
                }
                groups.append(group)
            }
        }

        var options: [MountOption] = []
        if let optionsNode = fields["options"] {
            for item in try reader.sequence(optionsNode) { options.append(try parseOption(item, reader: reader)) }
        }

        var matrix: [MatrixAxis] = []
        if let matrixNode = fields["matrix"] { matrix = try parseMatrix(matrixNode, options: options, reader: reader) }

        var layers = try LayerParser(reader: reader).parseLayers(try fields.required("layers"))
        let layerFS = try fields["layer_fs"].map { (node) throws(CaseError) in
            try parseLayerFS(node, layers: (layers.lowers, layers.upper, layers.nested), reader: reader)
        }
        var mountSpec = try fields["mount"].map { (node) throws(CaseError) in
            try parseMountSpec(node, lowers: &layers.lowers, dataLayers: layers.dataLayers, nested: layers.nested,
                               layerFS: layerFS, reader: reader)
        }
        if mountSpec == nil, matrix.contains(where: { $0.key == MatrixAxis.apiKey }) {
            mountSpec = MountSpec(lowerNames: layers.lowers.indices.map { MountSpec.defaultLowerName($0, generated: false) })
        }

        try checkVerityFilesystems(layers.lowers, layerFS, at: fields["layer_fs"] ?? fields["layers"] ?? root, reader: reader)

        var list = StepList()
        if let stagesNode = fields["stages"] {
            let refusal = fields["steps"] != nil ? "lists its steps in each stage, not in 'steps'"
                : layers.upper == nil ? "needs an upper layer (each stage's upper is the next one's top lower)"
                : !layers.nested.isEmpty || layers.upperSpot != nil || layers.workSpot != nil ? "may not hold a layer inside another (\"@N/dir\")"
                : fields["layer_fs"] != nil ? "may not give 'layer_fs' (the layers' filesystems shift with the stages)"
                : fields["fsck"] != nil ? "may not give 'fsck'"
                : mountSpec != nil ? "may not give 'mount:' or a matrix 'api' axis (each later stage mounts with the default option string)" : nil
            list = try StepList.stages(stagesNode, lowerCount: layers.lowers.count, refusal: refusal, reader: reader)
        } else if let stepsNode = fields["steps"], !reader.isNull(stepsNode) {
            try list.append(stepsNode, lowerCount: layers.lowers.count, reader: reader)
        }
        let steps = list.steps, stepLocations = list.locations, inodeChecks = list.inodeChecks
        // `mount_stacked` needs only the job's mount point and lower 0's folder: fine over a holder of lower 0.
        if let mountSpec, let k = steps.firstIndex(where: { ($0 == .mountStacked && !mountSpec.holdsLowerZero) || $0.kind == .offlineLower }) {
            throw reader.error("\(steps[k].name) mounts with the default option string, which a case with 'mount:' does not use",
                               at: stepLocations[k])
        }

        let fsck = try fields["fsck"].map { (node) throws(CaseError) in try parseFsck(node, reader: reader) }
        if let fsck, !fsck.fix || !fsck.mount, let stepsNode = fields["steps"], !steps.isEmpty {
            throw reader.error("a case whose layers fsck does not repair (fix: false) or that says mount: false is only checked, never mounted: it takes no steps", at: stepsNode)
        }
        var scenario = Scenario(lowers: layers.lowers, upper: layers.upper, options: options, steps: steps,
                                inodeChecks: inodeChecks, nestedLowers: layers.nested, fsck: fsck, workdir: layers.workdir,
                                dataLayerCount: layers.dataLayers, layerFS: layerFS, mountSpec: mountSpec)
        scenario.initialOptions = list.initialOptions
        scenario.upperInLower = layers.upperSpot
        scenario.workInLower = layers.workSpot
        if layers.upperSpot != nil || layers.workSpot != nil, let node = fields["layer_fs"] ?? fields["fsck"] {
            throw reader.error("a case whose upper or workdir lies inside a lower (\"@N/dir\") may not give 'layer_fs' or 'fsck'", at: node)
        }
        // A mounted case may prepare only the workdir entries the model says a mount removes (R8, R14).
        if scenario.checksOnly, fsck?.fix == true, fsck?.mount == true, let stepsNode = fields["steps"], !steps.isEmpty {
            throw reader.error("fsck -\(fsck?.policy.rawValue ?? "p") leaves damage on these layers (fsck.overlay's exit 4), so the case is only checked, never mounted: it takes no steps", at: stepsNode)
        }
        if !scenario.checksOnly, let why = scenario.unpredictableWorkdir {
            throw reader.error("layers.workdir: \(why) (a check-only fsck case may give any)", at: fields["layers"] ?? root)
        }
        return Case(id: caseID(file: reader.file), file: reader.file, description: description, rules: rules,
                    groups: groups, scenario: scenario, stepLocations: stepLocations, location: reader.location(of: root),
                    matrix: matrix)
    }

    /// `fsck: {expect: [R33, …], fix: true}`: the rules the layer checker reports on the layers as
    /// given (each one a ``OvlModel/ProblemClass/rule``; none: the layers are sound), and whether
    /// and how to repair them (`fix: false` is `-n`, `true` or `p` is `-p`, `y` is `-y`) and mount
    /// the repaired layers.
    static func parseFsck(_ node: YNode, reader: NodeReader) throws(CaseError) -> FsckCheck {
        let fields = try reader.fields(node, allowed: ["expect", "fix", "mount", "findings", "exit"])
        let expectNode = try fields.required("expect")
        let known = ProblemClass.allCases.map(\.rule)
        var expect: [String] = []
        for item in try reader.sequence(expectNode) {
            let rule = try reader.text(item)
            guard known.contains(rule) else {
                throw reader.error("fsck checks no rule '\(rule)'; expected one of: \(known.joined(separator: ", "))", at: item)
            }
            expect.append(rule)
        }
        // `expect: []` claims the layers are sound: fsck must find nothing (a false positive is a bug).
        // fix: false (-n), true or p (-p), y (-y).
        var policy = FixPolicy.none
        if let fixNode = fields["fix"] {
            if let p = FixPolicy(rawValue: (try? reader.text(fixNode)) ?? ""), p != .none {
                policy = p
            } else {
                policy = try reader.bool(fixNode) ? .safe : .none
            }
        }
        let mount = try fields["mount"].map { (n) throws(CaseError) in try reader.bool(n) } ?? true
        // findings: ["R33 upper:d/x", …]: every finding of the run, by rule, layer and path.
        var findings: [String]?
        if let node = fields["findings"] {
            findings = []
            for item in try reader.sequence(node) {
                let text = try reader.text(item)
                let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
                let layer = parts.count == 2 ? parts[1].split(separator: ":", maxSplits: 1).first.map(String.init) : nil
                guard parts.count == 2, known.contains(parts[0]), parts[1].contains(":"),
                      let layer, layer == "upper" || layer == "workdir" || (layer.hasPrefix("lower") && Int(layer.dropFirst(5)) != nil)
                else {
                    throw reader.error("a finding is 'RULE LAYER:PATH' (like 'R33 upper:d/x' or 'R33 lower0:.'), not '\(text)'", at: item)
                }
                findings?.append(text)
            }
        }
        var exit: Int32?
        if let node = fields["exit"] {
            let text = try reader.text(node)
            guard let code = Int32(text), [0, 1, 4].contains(code) else {
                throw reader.error("exit is fsck.overlay's status of the run: 0, 1 or 4, not '\(text)'", at: node)
            }
            exit = code
        }
        return FsckCheck(expect: expect, policy: policy, mount: mount, findings: findings, exit: exit)
    }

    /// `layer_fs: {upper: ramfs, lower: ramfs}`: the filesystem (one of
    /// ``OvlModel/LayerFilesystem/special``) the upper or the lowers live on instead of the
    /// configuration's; `lowers: [ext4, ext4-twin]` gives each lower layer its own (one of
    /// ``OvlModel/LayerFilesystem/perLayer``). The case then runs once per distinct set of filesystems.
    static func parseLayerFS(_ node: YNode, layers: (lowers: [Layer], upper: Layer?, nested: [NestedLayer]),
                             reader: NodeReader) throws(CaseError) -> LayerFSOverride {
        let fields = try reader.fields(node, allowed: ["lower", "lowers", "upper"])
        let names = LayerFilesystem.special
        func value(_ key: String) throws(CaseError) -> String? {
            guard let item = fields[key] else { return nil }
            let name = try reader.text(item)
            guard names.contains(name) else {
                throw reader.error("unknown filesystem '\(name)' for the \(key) layer; expected one of: \(names.joined(separator: ", "))", at: item)
            }
            if key == "upper", layers.upper == nil {
                throw reader.error("layer_fs gives an upper filesystem, but the case has no upper (upper: none)", at: item)
            }
            if key == "upper", LayerFilesystem.readOnly.contains(name) {
                throw reader.error("\(name) is read-only while the overlay is mounted: it holds lower layers only", at: item)
            }
            return name
        }
        let lowers = try fields["lowers"].map { (list) throws(CaseError) in try parseLayerList(list, layers: layers, reader: reader) }
        if lowers != nil, let both = fields["lower"] {
            throw reader.error("layer_fs gives both 'lower' (every lower layer) and 'lowers' (each one); give one", at: both)
        }
        let override = LayerFSOverride(lower: try value("lower"), upper: try value("upper"), lowers: lowers)
        guard override.lower != nil || override.upper != nil || override.lowers != nil else {
            throw reader.error("layer_fs needs 'lower', 'lowers' or 'upper'", at: node)
        }
        return override
    }

    /// A lower layer with `verity: true` files must sit on a filesystem with fs-verity in every
    /// configuration (R82), which only `layer_fs: {lowers: […]}` pins: the suite's xfs has none.
    static func checkVerityFilesystems(_ lowers: [Layer], _ layerFS: LayerFSOverride?, at node: YNode,
                                       reader: NodeReader) throws(CaseError) {
        for (k, layer) in lowers.enumerated() where !layer.verity.isEmpty {
            let fs = layerFS?.lowers?[k] ?? layerFS?.lower
            guard let fs, LayerFilesystem.named(fs).verity else {
                let capable = LayerFilesystem.all.filter(\.verity).map(\.name).joined(separator: " or ")
                throw reader.error("lower layer \(k) has 'verity' files, which need fs-verity: give the case layer_fs: {lowers: […]} with \(capable) for that layer (\(fs ?? "the configuration's xfs") has none)", at: node)
            }
        }
    }

    /// `lowers: [ext4, ext4-twin]`: one filesystem per lower layer (data layers included), top first.
    static func parseLayerList(_ node: YNode, layers: (lowers: [Layer], upper: Layer?, nested: [NestedLayer]),
                               reader: NodeReader) throws(CaseError) -> [String] {
        let items = try reader.sequence(node)
        let allowed = LayerFilesystem.perLayer
        var names: [String] = []
        for item in items {
            let name = try reader.text(item)
            guard allowed.contains(name) else {
                throw reader.error("unknown filesystem '\(name)' for a lower layer in 'lowers'; expected one of: \(allowed.joined(separator: ", "))", at: item)
            }
            names.append(name)
        }
        guard names.count == layers.lowers.count else {
            throw reader.error("layer_fs 'lowers' names \(names.count) filesystem(s), but the case has \(layers.lowers.count) lower layer(s); give one per layer", at: node)
        }
        // A layer inside another one ("@0/d") lives on its host's filesystem.
        for n in layers.nested where names[n.layer] != names[n.host] {
            throw reader.error("lower layer \(n.layer) is inside layer \(n.host) (\"@\(n.host)/…\"), so it is on \(names[n.host]), not \(names[n.layer])", at: items[n.layer])
        }
        return names
    }

    static func isRuleName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2, scalars[0] == "R" else { return false }
        return scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }

    /// `key=value` or a bare flag, checked against ``OvlModel/MountOption/known``.
    static func parseOption(_ node: YNode, reader: NodeReader) throws(CaseError) -> MountOption {
        let text = try reader.text(node)
        let key: String
        let value: String?
        if let equals = text.firstIndex(of: "=") {
            key = String(text[..<equals])
            value = String(text[text.index(after: equals)...])
        } else {
            key = text
            value = nil
        }
        guard let known = MountOption.known.first(where: { $0.key == key }) else {
            let keys = MountOption.known.map(\.key).sorted().joined(separator: ", ")
            throw reader.error("unknown mount option '\(key)'; expected one of: \(keys)", at: node)
        }
        if known.values.isEmpty {
            guard value == nil else { throw reader.error("mount option '\(key)' is a flag and takes no value", at: node) }
        } else {
            let values = known.values.joined(separator: ", ")
            guard let value else { throw reader.error("mount option '\(key)' needs a value; expected one of: \(values)", at: node) }
            guard known.values.contains(value) else {
                throw reader.error("bad value '\(value)' for mount option '\(key)'; expected one of: \(values)", at: node)
            }
        }
        return MountOption(key: key, value: value)
    }

    // MARK: Yams errors

    static func yamlError(_ error: YamlError, reader: NodeReader) -> CaseError {
        func located(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> CaseError {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            return reader.error(message, at: reader.location(line: mark.line, column: mark.column))
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return located(context, problem, mark)
        case let .reader(problem, offset, _, yaml):
            var line = 1, column = 1
            if let offset {
                for character in yaml.prefix(max(offset, 0)) {
                    if character == "\n" || character == "\r\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
                }
            }
            return reader.error("invalid YAML: \(problem)", at: reader.location(line: line, column: column))
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? ""
            let first = context.mark
            let second = findRepeat(of: key, after: first, in: reader.lines)
            var message = "duplicate key '\(key)'"
            if second != nil { message += " (first at \(first.line):\(first.column))" }
            let at = second ?? (first.line, first.column)
            return reader.error(message, at: reader.location(line: at.line, column: at.column))
        default:
            return reader.error("invalid YAML: \(error)", at: reader.location(line: 1, column: 1))
        }
    }

    /// Finds where `key` appears again as a mapping key after its first use at `mark`
    /// (Yams reports only the first), so the error points at the repeat.
    static func findRepeat(of key: String, after mark: Mark, in lines: [String]) -> (line: Int, column: Int)? {
        let needle = Array(key.unicodeScalars)
        guard !needle.isEmpty, mark.line >= 1 else { return nil }
        var lineNumber = mark.line
        while lineNumber <= lines.count {
            let scalars = Array(lines[lineNumber - 1].unicodeScalars)
            var start = lineNumber == mark.line ? mark.column - 1 + needle.count : 0
            while start >= 0, start + needle.count <= scalars.count {
                defer { start += 1 }
                guard Array(scalars[start..<(start + needle.count)]) == needle else { continue }
                if start > 0, ![" ", "\t", "{", ",", "-"].contains(scalars[start - 1]) { continue }
                var after = start + needle.count
                while after < scalars.count, scalars[after] == " " { after += 1 }
                guard after < scalars.count, scalars[after] == ":" else { continue }
                return (lineNumber, start + 1)
            }
            lineNumber += 1
        }
        return nil
    }
}
