import OvlModel
import Yams

/// Turns one item of `steps:` into an ``OvlModel/Operation``.
///
/// A step is a one-key mapping `name: arguments`, or a bare scalar `name` for a step that
/// takes no arguments.
struct StepParser {
    let reader: NodeReader

    /// How a step's arguments are written.
    enum Shape {
        /// A scalar path or `{path: P}`.
        case path
        /// A scalar path or `{path: P, mode: M}`, with a default mode.
        case pathMode(defaultMode: UInt32)
        /// A mapping with these required keys, and these optional ones.
        case mapping(required: [String], optional: [String])
        /// No arguments: a bare scalar, null, or `{}`.
        case none
        /// A step on a named fd (``FdStepSyntax``).
        case fd
        /// A sequence of steps run at once (``parallelSteps``).
        case steps
    }

    static let shapes: [String: Shape] = [
        "stat": .path, "lstat": .path, "read": .path, "readdir": .path, "readlink": .path,
        "unlink": .path, "rmdir": .path, "listxattr": .path, "open_rdwr": .path, "proc_locks": .path,
        "open_tmpfile": .path, "statfs": .path, "exec": .path, "fiemap_shared": .path,
        "write": .mapping(required: ["path", "data"], optional: []),
        "append": .mapping(required: ["path", "data"], optional: []),
        "truncate": .mapping(required: ["path", "size"], optional: []),
        "mkdir": .pathMode(defaultMode: 0o755),
        "create": .pathMode(defaultMode: 0o644),
        "mknod": .mapping(required: ["path", "type"], optional: ["major", "minor"]),
        "symlink": .mapping(required: ["target", "path"], optional: []),
        "rename": .mapping(required: ["old", "new"], optional: ["flags"]),
        "link": .mapping(required: ["old", "new"], optional: []),
        "offline_lower": .mapping(required: ["layer", "path", "entry"], optional: []),
        "name_to_handle_at": .mapping(required: ["path", "label"], optional: ["flags"]),
        "open_by_handle_at": .mapping(required: ["label"], optional: []),
        "chmod": .mapping(required: ["path", "mode"], optional: []),
        "chown": .mapping(required: ["path", "uid", "gid"], optional: []),
        "utimes": .mapping(required: ["path", "mtime"], optional: []),
        "chattr": .mapping(required: ["path"], optional: ["immutable", "append"]),
        "setxattr": .mapping(required: ["path", "name", "value"], optional: []),
        "getxattr": .mapping(required: ["path", "name"], optional: []),
        "removexattr": .mapping(required: ["path", "name"], optional: []),
        "remount": .none,
        "mount_again": .none,
        "mount_stacked": .none,
        "mount_without_workdir": .none,
        "fsconfig_layers": .mapping(required: ["keys"], optional: []),
        "mount_remount": .mapping(required: ["options"], optional: []),
        "fsconfig_reconfigure": .mapping(required: ["params"], optional: []),
        "drop_caches": .none,
        "parallel": .steps,
    ].merging((FdStepSyntax.fdOnly + FdStepSyntax.mappings.keys).map { ($0, Shape.fd) }) { a, _ in a }

    /// Keys a `stat`/`lstat` step may add: the 1-based number of an earlier stat step whose
    /// object must be the same inode (same st_dev and st_ino), or another one.
    static let inodeKeys = ["same_inode_as", "other_inode_than"]

    /// The identity assertion of step `index` (0-based), if it makes one.
    /// - Parameter steps: the steps parsed so far, the current one last.
    func inodeCheck(_ node: YNode, index: Int, steps: [OvlModel.Operation]) throws(CaseError) -> InodeCheck? {
        guard case let .mapping(mapping) = node, let name = mapping.keys.first?.scalar?.string, name == "stat" || name == "lstat",
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
    static let names: [String] = shapes.keys.sorted()

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
        guard let shape = Self.shapes[name] else {
            throw reader.error("unknown step '\(name)'; expected one of: \(Self.names.joined(separator: ", "))", at: nameNode)
        }
        let step = Step(reader: reader, name: name, nameNode: nameNode, args: args)
        switch shape {
        case .none:
            try step.expectNoArguments()
            return switch name {
            case "remount": .remount
            case "mount_again": .mountAgain
            case "mount_stacked": .mountStacked
            case "mount_without_workdir": .mountWithoutWorkdir
            default: .dropCaches
            }
        case .path:
            let path = try step.path(optional: name == "stat" || name == "lstat" ? Self.inodeKeys : [])
            switch name {
            case "stat": return .stat(path)
            case "lstat": return .lstat(path)
            case "read": return .read(path)
            case "readdir": return .readdir(path)
            case "readlink": return .readlink(path)
            case "unlink": return .unlink(path)
            case "rmdir": return .rmdir(path)
            case "listxattr": return .listxattr(path)
            case "proc_locks": return .procLocks(path)
            case "open_tmpfile": return .openTmpfile(path)
            case "statfs": return .statfs(path)
            case "fiemap_shared": return .fiemapShared(path)
            case "exec": return .exec(path)
            default: return .openRW(path)
            }
        case let .pathMode(defaultMode):
            let (path, mode) = try step.pathAndMode(defaultMode: defaultMode)
            return name == "mkdir" ? .mkdir(path, mode: mode) : .create(path, mode: mode)
        case let .mapping(required, optional):
            let fields = try step.fields(required: required, optional: optional)
            return try build(name, fields, step)
        case .steps:
            return .parallel(try parallelSteps(args, at: nameNode))
        case .fd:
            if let (required, optional) = FdStepSyntax.mappings[name] {
                let fields = try step.fields(required: required, optional: optional)
                return .fd(try FdStepSyntax.build(name, fields, reader: reader))
            }
            if let args, case .scalar = args, !reader.isNull(args) {
                return .fd(FdStepSyntax.fdOnlyStep(name, fd: try reader.nonEmptyText(args)))
            }
            let fields = try step.fields(required: ["fd"], optional: [])
            return .fd(FdStepSyntax.fdOnlyStep(name, fd: try reader.nonEmptyText(try fields.required("fd"))))
        }
    }

    private func build(_ name: String, _ f: Fields, _ step: Step) throws(CaseError) -> OvlModel.Operation {
        func need(_ key: String) throws(CaseError) -> YNode {
            try f.required(key, missing: "step '\(name)' needs '\(key)'")
        }
        func path(_ key: String = "path") throws(CaseError) -> RelPath { try reader.path(try need(key)) }
        func text(_ key: String) throws(CaseError) -> String { try reader.text(try need(key)) }
        switch name {
        case "write": return .write(try path(), data: try text("data"))
        case "append": return .append(try path(), data: try text("data"))
        case "truncate": return .truncate(try path(), size: try reader.nonNegativeInt64(try need("size")))
        case "mknod":
            let typeNode = try need("type")
            let type = try reader.text(typeNode)
            switch type {
            case "fifo":
                for key in ["major", "minor"] {
                    if let keyNode = f.keyNode(key) {
                        throw reader.error("'\(key)' is only valid for mknod type chardev", at: keyNode)
                    }
                }
                return .mknod(try path(), kind: .fifo)
            case "chardev":
                let major = try reader.uint32(try need("major"))
                let minor = try reader.uint32(try need("minor"))
                return .mknod(try path(), kind: .chardev(major: major, minor: minor))
            default:
                throw reader.error("unknown mknod type '\(type)'; expected one of: chardev, fifo", at: typeNode)
            }
        case "symlink": return .symlink(target: try text("target"), path: try path())
        case "rename":
            var flags: [RenameFlag] = []
            if let flagsNode = f["flags"] {
                let valid = RenameFlag.allCases.map(\.rawValue)
                for item in try reader.sequence(flagsNode) {
                    let value = try reader.text(item)
                    guard let flag = RenameFlag(rawValue: value) else {
                        throw reader.error("unknown rename flag '\(value)'; expected one of: \(valid.joined(separator: ", "))", at: item)
                    }
                    flags.append(flag)
                }
            }
            return .rename(try path("old"), to: try path("new"), flags: flags)
        case "link": return .link(try path("old"), to: try path("new"))
        case "offline_lower":
            let layer = Int(try reader.integer(try need("layer"), in: 0...999))
            return .offlineLower(layer: layer, path: try path(), node: try LayerParser(reader: reader).parseEntry(try need("entry")))
        case "name_to_handle_at":
            var fid = false
            if let flagsNode = f["flags"] {
                for item in try reader.sequence(flagsNode) {
                    guard try reader.text(item) == "AT_HANDLE_FID" else {
                        throw reader.error("unknown name_to_handle_at flag '\(try reader.text(item))'; expected: AT_HANDLE_FID", at: item)
                    }
                    fid = true
                }
            }
            return .nameToHandle(try path(), label: try reader.nonEmptyText(try need("label")), fid: fid)
        case "open_by_handle_at": return .openByHandle(label: try reader.nonEmptyText(try need("label")))
        case "mount_remount": return .remountInPlace(options: try text("options"))
        case "fsconfig_reconfigure":
            var params: [String] = []
            for item in try reader.sequence(try need("params")) { params.append(try reader.nonEmptyText(item)) }
            return .reconfigure(params: params)
        case "fsconfig_layers":
            var keys: [LayerKey] = []
            for item in try reader.sequence(try need("keys")) {
                let key = try reader.text(item)
                guard let k = LayerKey(rawValue: key) else {
                    throw reader.error("unknown layer key '\(key)'; expected one of: \(LayerKey.allCases.map(\.rawValue).joined(separator: ", "))", at: item)
                }
                keys.append(k)
            }
            return .fsconfigLayers(keys)
        case "chmod": return .chmod(try path(), mode: try reader.mode(try need("mode")))
        case "chown": return .chown(try path(), uid: try reader.uint32(try need("uid")), gid: try reader.uint32(try need("gid")))
        case "utimes": return .utimes(try path(), mtime: try reader.int64(try need("mtime")))
        case "chattr":
            let immutable = try f["immutable"].map { n throws(CaseError) in try reader.bool(n) } ?? false
            let append = try f["append"].map { n throws(CaseError) in try reader.bool(n) } ?? false
            return .chattr(try path(), immutable: immutable, append: append)
        case "setxattr": return .setxattr(try path(), name: try reader.nonEmptyText(try need("name")), value: try text("value"))
        case "getxattr": return .getxattr(try path(), name: try reader.nonEmptyText(try need("name")))
        default: return .removexattr(try path(), name: try reader.nonEmptyText(try need("name")))
        }
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

    func path(optional: [String] = []) throws(CaseError) -> RelPath {
        if let args, case .scalar = args, !reader.isNull(args) { return try reader.path(args) }
        let fields = try fields(required: ["path"], optional: optional)
        return try reader.path(try fields.required("path"))
    }

    func pathAndMode(defaultMode: UInt32) throws(CaseError) -> (RelPath, UInt32) {
        if let args, case .scalar = args, !reader.isNull(args) { return (try reader.path(args), defaultMode) }
        let fields = try fields(required: ["path"], optional: ["mode"])
        let path = try reader.path(try fields.required("path"))
        var mode = defaultMode
        if let modeNode = fields["mode"] { mode = try reader.mode(modeNode) }
        return (path, mode)
    }
}

extension StepParser {
    /// Steps a `parallel` block may hold: path steps whose outcome is a plain value (a stat's
    /// inode symbols and the named fds and handles belong to one process; remounts to none).
    static let parallelAllowed: Set<String> = [
        "read", "write", "append", "open_rdwr", "truncate", "chmod", "chown", "utimes", "setxattr",
        "getxattr", "removexattr", "listxattr", "link", "unlink", "mkdir", "create", "rename", "readlink",
    ]

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
            guard Self.parallelAllowed.contains(op.name) else {
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
    static let callerAllowed: Set<String> = parallelAllowed.union([
        "stat", "lstat", "readdir", "mknod", "rmdir", "symlink", "statfs", "open_tmpfile",
    ])

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
        guard Self.callerAllowed.contains(op.name), op.name != "parallel" else {
            throw reader.error("step '\(op.name)' cannot run 'as' another caller; allowed: \(Self.callerAllowed.sorted().joined(separator: ", "))", at: asKey)
        }
        if case .asCaller = op { throw reader.error("a step has one 'as'", at: asKey) }
        return .asCaller(Caller(uid: uid, gid: gid, umask: umask), op)
    }
}
