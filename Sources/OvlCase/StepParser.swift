import OvlModel
import Yams

/// Turns one item of `steps:` into an ``OvlModel/Operation``.
///
/// A step is a one-key mapping `name: arguments`, or a bare scalar `name` for a step that
/// takes no arguments.
struct StepParser {
    let reader: NodeReader

    /// The steps a case's `steps:` names (a stage is an item of `stages:`).
    static let kinds: [String: StepKind] = Dictionary(
        uniqueKeysWithValues: StepKind.allCases.filter { $0.syntax != .stage }.map { ($0.name, $0) })

    /// Keys a `stat`/`lstat` step may add (``StepKind/inodeKeys``).
    static let inodeKeys = StepKind.inodeKeys

    /// The identity assertion of step `index` (0-based), if it makes one.
    /// - Parameter steps: the steps parsed so far, the current one last.
    func inodeCheck(_ node: YNode, index: Int, steps: [OvlModel.Operation]) throws(CaseError) -> InodeCheck? {
        guard case let .mapping(mapping) = node, let name = mapping.keys.first?.scalar?.string,
              Self.kinds[name]?.syntax == .path(optional: Self.inodeKeys),
              let args = mapping.values.first, case .mapping = args else { return nil }
        let fields = try reader.fields(args, allowed: ["path"] + Self.inodeKeys)
        for key in Self.inodeKeys {
            guard let value = fields[key] else { continue }
            guard index > 0 else { throw reader.error("'\(key)' needs an earlier stat step; this is the first step", at: value) }
            let other = Int(try reader.integer(value, in: 1...Int64(index))) - 1
            switch steps[other] {
            case .stat, .lstat: break
            default: throw reader.error("'\(key)' names step \(other + 1), which is a \(steps[other].name), not a stat or lstat", at: value)
            }
            return InodeCheck(step: index, other: other, same: key == "same_inode_as")
        }
        return nil
    }

    /// Every step name, sorted.
    static let names: [String] = kinds.keys.sorted()

    /// Parses one step item.
    func parseStep(_ node: YNode) throws(CaseError) -> OvlModel.Operation {
        let nameNode: YNode
        let args: YNode?
        switch node {
        case .scalar:
            nameNode = node
            args = nil
        case let .mapping(mapping):
            if mapping.count == 2, mapping.keys.contains(where: { $0.scalar?.string == "as" }) {
                return try callerStep(mapping)
            }
            let keys = Array(mapping.keys)
            guard keys.count == 1, let key = keys.first, let value = mapping.values.first else {
                let listed = keys.compactMap { $0.scalar?.string }.map { "'\($0)'" }.joined(separator: ", ")
                throw reader.error(keys.isEmpty
                    ? "a step needs a name; expected one of: \(Self.names.joined(separator: ", "))"
                    : "a step is a mapping with one key, the step name (and 'as:'); found \(keys.count) keys: \(listed)", at: node)
            }
            nameNode = key
            args = value
        default:
            throw reader.error("expected a step (a mapping 'name: arguments' or a bare name), found \(reader.kindName(node))", at: node)
        }
        let name = try reader.text(nameNode)
        guard let kind = Self.kinds[name] else {
            throw reader.error("unknown step '\(name)'; expected one of: \(Self.names.joined(separator: ", "))", at: nameNode)
        }
        return try build(kind, Step(reader: reader, name: name, nameNode: nameNode, args: args))
    }

    /// The operation of `kind` from its arguments, read as ``StepKind/syntax`` says (the one
    /// switch from a step's name to its operation).
    private func build(_ kind: StepKind, _ step: Step) throws(CaseError) -> OvlModel.Operation {
        let a = try step.arguments(kind)
        switch kind {
        case .stat: return .stat(try a.path())
        case .lstat: return .lstat(try a.path())
        case .read: return .read(try a.path())
        case .readdir: return .readdir(try a.path())
        case .readlink: return .readlink(try a.path())
        case .unlink: return .unlink(try a.path())
        case .rmdir: return .rmdir(try a.path())
        case .listxattr: return .listxattr(try a.path())
        case .procLocks: return .procLocks(try a.path())
        case .openTmpfile: return .openTmpfile(try a.path())
        case .statfs: return .statfs(try a.path())
        case .fiemapShared: return .fiemapShared(try a.path())
        case .exec: return .exec(try a.path())
        case .openRW: return .openRW(try a.path())
        case .mkdir: return .mkdir(try a.path(), mode: try a.mode(kind))
        case .create: return .create(try a.path(), mode: try a.mode(kind))
        case .remount: return .remount
        case .mountAgain: return .mountAgain
        case .mountStacked: return .mountStacked
        case .mountWithoutWorkdir: return .mountWithoutWorkdir
        case .dropCaches: return .dropCaches
        case .parallel: return .parallel(try parallelSteps(step.args, at: step.nameNode))
        case .nextStage: throw reader.error("a stage is an item of 'stages:', not a step", at: step.nameNode)
        case .write: return .write(try a.path(), data: try a.text("data"))
        case .append: return .append(try a.path(), data: try a.text("data"))
        case .truncate: return .truncate(try a.path(), size: try reader.nonNegativeInt64(try a.need("size")))
        case .mknod:
            let typeNode = try a.need("type")
            let type = try reader.text(typeNode)
            switch type {
            case "fifo":
                for key in ["major", "minor"] {
                    if let keyNode = a.fields?.keyNode(key) {
                        throw reader.error("'\(key)' is only valid for mknod type chardev", at: keyNode)
                    }
                }
                return .mknod(try a.path(), kind: .fifo)
            case "chardev":
                let major = try reader.uint32(try a.need("major"))
                let minor = try reader.uint32(try a.need("minor"))
                return .mknod(try a.path(), kind: .chardev(major: major, minor: minor))
            default:
                throw reader.error("unknown mknod type '\(type)'; expected one of: chardev, fifo", at: typeNode)
            }
        case .symlink: return .symlink(target: try a.text("target"), path: try a.path())
        case .rename:
            let flags: [RenameFlag] = try a.flags("flags", "rename flag")
            return .rename(try a.path("old"), to: try a.path("new"), flags: flags)
        case .link: return .link(try a.path("old"), to: try a.path("new"))
        case .offlineLower:
            let layer = Int(try reader.integer(try a.need("layer"), in: 0...999))
            return .offlineLower(layer: layer, path: try a.path(), node: try LayerParser(reader: reader).parseEntry(try a.need("entry")))
        case .nameToHandle:
            var fid = false
            if let flagsNode = a.fields?["flags"] {
                for item in try reader.sequence(flagsNode) {
                    guard try reader.text(item) == "AT_HANDLE_FID" else {
                        throw reader.error("unknown name_to_handle_at flag '\(try reader.text(item))'; expected: AT_HANDLE_FID", at: item)
                    }
                    fid = true
                }
            }
            return .nameToHandle(try a.path(), label: try reader.nonEmptyText(try a.need("label")), fid: fid)
        case .openByHandle: return .openByHandle(label: try reader.nonEmptyText(try a.need("label")))
        case .remountInPlace: return .remountInPlace(options: try a.text("options"))
        case .reconfigure:
            var params: [String] = []
            for item in try reader.sequence(try a.need("params")) { params.append(try reader.nonEmptyText(item)) }
            return .reconfigure(params: params)
        case .fsconfigLayers:
            let keys: [LayerKey] = try a.flags("keys", "layer key", required: true)
            return .fsconfigLayers(keys)
        case .chmod: return .chmod(try a.path(), mode: try reader.mode(try a.need("mode")))
        case .chown: return .chown(try a.path(), uid: try reader.uint32(try a.need("uid")), gid: try reader.uint32(try a.need("gid")))
        case .utimes: return .utimes(try a.path(), mtime: try reader.int64(try a.need("mtime")))
        case .chattr:
            let immutable = try a.fields?["immutable"].map { n throws(CaseError) in try reader.bool(n) } ?? false
            let append = try a.fields?["append"].map { n throws(CaseError) in try reader.bool(n) } ?? false
            return .chattr(try a.path(), immutable: immutable, append: append)
        case .setxattr: return .setxattr(try a.path(), name: try reader.nonEmptyText(try a.need("name")), value: try a.text("value"))
        case .getxattr: return .getxattr(try a.path(), name: try reader.nonEmptyText(try a.need("name")))
        case .removexattr: return .removexattr(try a.path(), name: try reader.nonEmptyText(try a.need("name")))
        case .open:
            let flags: [OpenFlag] = try a.flags("flags", "open flag")
            let modes = flags.filter { [.rdonly, .wronly, .rdwr].contains($0) }
            if modes.count > 1, let node = a.fields?["flags"] {
                throw reader.error("open takes one access mode of O_RDONLY, O_WRONLY, O_RDWR", at: node)
            }
            return .fd(.open(try a.path(), flags: flags, fd: try a.fd()))
        case .fdRead: return .fd(.read(fd: try a.fd()))
        case .fdFstat: return .fd(.fstat(fd: try a.fd()))
        case .fdFsync: return .fd(.fsync(fd: try a.fd()))
        case .fdReaddir: return .fd(.readdir(fd: try a.fd()))
        case .close: return .fd(.close(fd: try a.fd()))
        case .fdPread:
            return .fd(.pread(fd: try a.fd(), offset: try reader.nonNegativeInt64(try a.need("offset")),
                              size: try reader.integer(try a.need("size"), in: 0...65536)))
        case .fdWrite: return .fd(.write(fd: try a.fd(), data: try a.text("data")))
        case .fdLseek:
            let whence: Whence = try a.value("whence", "whence")
            return .fd(.lseek(fd: try a.fd(), offset: try reader.nonNegativeInt64(try a.need("offset")), whence: whence))
        case .fdFchmod: return .fd(.fchmod(fd: try a.fd(), mode: try reader.mode(try a.need("mode"))))
        case .fdMmapRead:
            // A mapping of more than one page could run past the end of the real file: SIGBUS.
            return .fd(.mmapRead(fd: try a.fd(), size: try reader.integer(try a.need("size"), in: 1...4096)))
        }
    }
}

/// A step's arguments as its syntax reads them: a scalar that stands for `path` (or `fd`), or
/// the checked mapping.
private struct Arguments {
    let reader: NodeReader
    let name: String
    /// Where a missing argument is reported.
    let anchor: YNode
    let scalar: YNode?
    let fields: Fields?
    /// What a terminal `/` on a path becomes (``StepKind/trailingSlash``).
    let slash: TrailingSlash

    func need(_ key: String) throws(CaseError) -> YNode {
        guard let fields else { throw reader.error("step '\(name)' needs '\(key)'", at: anchor) }
        return try fields.required(key, missing: "step '\(name)' needs '\(key)'")
    }

    /// The path under `key` (or the scalar that stands for `path`), its terminal `/` kept,
    /// dropped or refused as the step's ``StepKind/trailingSlash`` says.
    func path(_ key: String = "path") throws(CaseError) -> RelPath {
        let node: YNode
        if let scalar, key == "path" { node = scalar } else { node = try need(key) }
        let path = try reader.path(node)
        guard path.trailingSlash else { return path }
        switch slash {
        case .kept: return path
        case .dropped: return path.withoutTrailingSlash
        case .refused:
            throw reader.error("step '\(name)' takes no trailing '/' on '\(key)' (the model does not answer a terminal slash there)", at: node)
        }
    }

    func fd() throws(CaseError) -> String {
        if let scalar { return try reader.nonEmptyText(scalar) }
        return try reader.nonEmptyText(try need("fd"))
    }

    func text(_ key: String) throws(CaseError) -> String { try reader.text(try need(key)) }

    /// The `mode` key, or the default of a ``StepSyntax/pathMode(defaultMode:)`` step.
    func mode(_ kind: StepKind) throws(CaseError) -> UInt32 {
        if let node = fields?["mode"] { return try reader.mode(node) }
        guard case .pathMode(let defaultMode) = kind.syntax else { return try reader.mode(try need("mode")) }
        return defaultMode
    }

    /// One value of a closed vocabulary (an enum spelled by its raw values).
    func value<V: RawRepresentable & CaseIterable>(_ key: String, _ what: String) throws(CaseError) -> V where V.RawValue == String {
        let node = try need(key)
        let text = try reader.text(node)
        guard let v = V(rawValue: text) else {
            throw reader.error("unknown \(what) '\(text)'; expected one of: \(V.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
        }
        return v
    }

    /// A list of a closed vocabulary under `key` (empty when the key is optional and absent).
    func flags<V: RawRepresentable & CaseIterable>(_ key: String, _ what: String, required: Bool = false) throws(CaseError) -> [V] where V.RawValue == String {
        let present: YNode? = required ? try need(key) : fields?[key]
        guard let node = present else { return [] }
        var values: [V] = []
        for item in try reader.sequence(node) {
            let text = try reader.text(item)
            guard let v = V(rawValue: text) else {
                throw reader.error("unknown \(what) '\(text)'; expected one of: \(V.allCases.map(\.rawValue).joined(separator: ", "))", at: item)
            }
            values.append(v)
        }
        return values
    }
}

/// One step's name and arguments, with the messages that name the step.
private struct Step {
    let reader: NodeReader
    let name: String
    let nameNode: YNode
    let args: YNode?

    /// Where a missing argument is reported: the arguments, or the name when there are none.
    var anchor: YNode { args ?? nameNode }

    func expectNoArguments() throws(CaseError) {
        guard let args, !reader.isNull(args) else { return }
        if case let .mapping(mapping) = args, mapping.isEmpty { return }
        throw reader.error("step '\(name)' takes no arguments", at: args)
    }

    /// The mapping of arguments, or a scalar that stands for `path`.
    func fields(required: [String], optional: [String]) throws(CaseError) -> Fields {
        guard let args, !reader.isNull(args) else {
            throw reader.error("step '\(name)' needs '\(required.first ?? "path")'", at: anchor)
        }
        guard case .mapping = args else {
            throw reader.error("step '\(name)' takes a mapping with keys: \((required + optional).sorted().joined(separator: ", ")); found \(reader.kindName(args))", at: args)
        }
        let fields = try reader.fields(args, allowed: required + optional)
        for key in required where !fields.has(key) {
            throw reader.error("step '\(name)' needs '\(key)'", at: args)
        }
        return fields
    }

    /// The arguments as `kind`'s syntax writes them: a scalar path or fd name where it allows one.
    func arguments(_ kind: StepKind) throws(CaseError) -> Arguments {
        let syntax = kind.syntax
        func make(_ scalar: YNode?, _ fields: Fields?) -> Arguments {
            Arguments(reader: reader, name: name, anchor: anchor, scalar: scalar, fields: fields, slash: kind.trailingSlash)
        }
        var scalar: YNode?
        if let args, case .scalar = args, !reader.isNull(args) { scalar = args }
        switch syntax {
        case .none, .steps, .stage:
            if syntax == .none { try expectNoArguments() }
            return make(nil, nil)
        case .path, .pathMode, .fdName, .mapping:
            if syntax.bareKey != nil, scalar != nil { return make(scalar, nil) }
            let keys = syntax.keys
            return make(nil, try fields(required: keys.required, optional: keys.optional))
        }
    }
}

extension StepParser {
    /// Steps a `parallel` block may hold: path steps whose outcome is a plain value (a stat's
    /// inode symbols and the named fds and handles belong to one process; remounts to none).
    static let parallelAllowed: Set<String> = Set(StepKind.allCases.filter(\.runsInParallel).map(\.name))

    /// The 2–4 steps of a `parallel` block.
    func parallelSteps(_ args: YNode?, at nameNode: YNode) throws(CaseError) -> [OvlModel.Operation] {
        guard let args else { throw reader.error("step 'parallel' needs a list of 2 to 4 steps", at: nameNode) }
        let items = try reader.sequence(args)
        guard (2...4).contains(items.count) else {
            throw reader.error("a parallel block holds 2 to 4 steps, found \(items.count)", at: args)
        }
        var ops: [OvlModel.Operation] = []
        for item in items {
            let op = try parseStep(item)
            guard op.kind.runsInParallel else {
                throw reader.error("step '\(op.name)' cannot run in a parallel block; allowed: \(Self.parallelAllowed.sorted().joined(separator: ", "))", at: item)
            }
            ops.append(op)
        }
        return ops
    }
}

extension StepParser {
    /// Steps an unprivileged caller may run (`as:`): path steps whose checks the model knows (R90).
    /// Named fds, handles and programs belong to the job's own process; mounts need the mounter.
    static let callerAllowed: Set<String> = Set(StepKind.allCases.filter(\.runsAsCaller).map(\.name))

    /// A step with an `as: {uid, gid, umask}` key beside its name: run by that caller (R90).
    func callerStep(_ mapping: Yams.Node.Mapping) throws(CaseError) -> OvlModel.Operation {
        guard let (asKey, asValue) = mapping.first(where: { $0.key.scalar?.string == "as" }),
              let (name, args) = mapping.first(where: { $0.key.scalar?.string != "as" }) else {
            throw reader.error("a step with 'as:' needs a step name beside it", at: .mapping(mapping))
        }
        let fields = try reader.fields(asValue, allowed: ["uid", "gid", "umask"])
        let uid = UInt32(try reader.integer(try fields.required("uid", missing: "'as' needs 'uid'"), in: 1...65534))
        let gid = UInt32(try reader.integer(try fields.required("gid", missing: "'as' needs 'gid'"), in: 0...65534))
        let umask = try fields["umask"].map { (n) throws(CaseError) in try reader.mode(n) } ?? 0
        if umask > 0o777 { throw reader.error("a umask holds permission bits only (at most 0777)", at: fields["umask"] ?? asValue) }
        if case let .mapping(argMap) = args, let key = argMap.keys.first(where: { Self.inodeKeys.contains($0.scalar?.string ?? "") }) {
            throw reader.error("'\(key.scalar?.string ?? "")' cannot be used in a step run 'as' another caller", at: key)
        }
        let op = try parseStep(.mapping(Yams.Node.Mapping([(name, args)])))
        guard op.kind.runsAsCaller else {
            throw reader.error("step '\(op.name)' cannot run 'as' another caller; allowed: \(Self.callerAllowed.sorted().joined(separator: ", "))", at: asKey)
        }
        if case .asCaller = op { throw reader.error("a step has one 'as'", at: asKey) }
        return .asCaller(Caller(uid: uid, gid: gid, umask: umask), op)
    }
}
