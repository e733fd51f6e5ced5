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
            out += "options: [\(scenario.options.map(\.description).joined(separator: ", "))]\n"
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
        for step in scenario.steps { out += "  - \(stepText(step))\n" }
        return out
    }

    /// `stages:` of a staged case: the steps between ``Operation/nextStage(options:)`` steps.
    static func stagesText(_ scenario: Scenario) -> String {
        var stages: [(options: [MountOption]?, steps: [Operation])] = [(scenario.initialOptions, [])]
        for step in scenario.steps {
            if case .nextStage(let o) = step { stages.append((o, [])) } else { stages[stages.count - 1].steps.append(step) }
        }
        var out = "stages:\n"
        for stage in stages {
            var lead = "  - "
            if let o = stage.options {
                out += lead + "options: [\(o.map(\.description).joined(separator: ", "))]\n"
                lead = "    "
            }
            out += lead + (stage.steps.isEmpty ? "steps: []\n" : "steps:\n")
            for step in stage.steps { out += "      - \(stepText(step))\n" }
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

    /// One step in the syntax ``StepParser`` reads.
    static func stepText(_ op: Operation) -> String {
        func mode(_ m: UInt32) -> String { "0" + String(m, radix: 8) }
        switch op {
        case .stat(let p), .lstat(let p), .read(let p), .readdir(let p), .readlink(let p), .unlink(let p),
             .rmdir(let p), .listxattr(let p), .openRW(let p), .openTmpfile(let p), .statfs(let p), .exec(let p),
             .fiemapShared(let p):
            return "\(op.name): \(quote(p.description))"
        case .write(let p, let data), .append(let p, let data):
            return "\(op.name): {path: \(quote(p.description)), data: \(quote(data))}"
        case .truncate(let p, let size): return "truncate: {path: \(quote(p.description)), size: \(size)}"
        case .mkdir(let p, let m), .create(let p, let m):
            return "\(op.name): {path: \(quote(p.description)), mode: \(mode(m))}"
        case .mknod(let p, .fifo): return "mknod: {path: \(quote(p.description)), type: fifo}"
        case .mknod(let p, .chardev(let ma, let mi)):
            return "mknod: {path: \(quote(p.description)), type: chardev, major: \(ma), minor: \(mi)}"
        case .symlink(let target, let p): return "symlink: {target: \(quote(target)), path: \(quote(p.description))}"
        case .rename(let from, let to, let flags):
            let f = flags.isEmpty ? "" : ", flags: [\(flags.map(\.rawValue).joined(separator: ", "))]"
            return "rename: {old: \(quote(from.description)), new: \(quote(to.description))\(f)}"
        case .chmod(let p, let m): return "chmod: {path: \(quote(p.description)), mode: \(mode(m))}"
        case .chown(let p, let uid, let gid): return "chown: {path: \(quote(p.description)), uid: \(uid), gid: \(gid)}"
        case .utimes(let p, let mtime): return "utimes: {path: \(quote(p.description)), mtime: \(mtime)}"
        case .setxattr(let p, let name, let value):
            return "setxattr: {path: \(quote(p.description)), name: \(quote(name)), value: \(quote(value))}"
        case .getxattr(let p, let name), .removexattr(let p, let name):
            return "\(op.name): {path: \(quote(p.description)), name: \(quote(name))}"
        case .chattr(let p, let immutable, let append):
            return "chattr: {path: \(quote(p.description)), immutable: \(immutable), append: \(append)}"
        case .link(let from, let to): return "link: {old: \(quote(from.description)), new: \(quote(to.description))}"
        case .procLocks(let p): return "\(op.name): \(quote(p.description))"
        case .nameToHandle(let p, let label, let fid):
            return "\(op.name): {path: \(quote(p.description)), label: \(quote(label))\(fid ? ", flags: [AT_HANDLE_FID]" : "")}"
        case .openByHandle(let label): return "\(op.name): {label: \(quote(label))}"
        case .offlineLower(let layer, let p, let node):
            return "\(op.name): {layer: \(layer), path: \(quote(p.description)), entry: \(entryText(node, isRoot: false))}"
        case .remount, .nextStage, .mountAgain, .mountStacked, .mountWithoutWorkdir, .dropCaches: return op.name
        case .fsconfigLayers(let keys): return "\(op.name): {keys: [\(keys.map { quote($0.rawValue) }.joined(separator: ", "))]}"
        case .remountInPlace(let options): return "\(op.name): {options: \(quote(options))}"
        case .reconfigure(let params): return "\(op.name): {params: [\(params.map(quote).joined(separator: ", "))]}"
        case .fd(let f): return fdStepText(f)
        case .parallel(let ops):
            return "parallel: [" + ops.map { if case .asCaller = $0 { stepText($0) } else { "{" + stepText($0) + "}" } }
                .joined(separator: ", ") + "]"
        case .asCaller(let c, let op):
            // A flow mapping of its own: the step and its `as:` key side by side.
            let umask = c.umask == 0 ? "" : ", umask: " + mode(c.umask)
            return "{" + stepText(op) + ", as: {uid: \(c.uid), gid: \(c.gid)\(umask)}}"
        }
    }

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


extension CaseWriter {
    /// One fd step in the syntax ``StepKind/syntax`` gives it.
    static func fdStepText(_ op: FdOperation) -> String {
        switch op {
        case .open(let p, let flags, let fd):
            return "open: {path: \(quote(p.description)), flags: [\(flags.map(\.rawValue).joined(separator: ", "))], fd: \(quote(fd))}"
        case .read(let fd), .fstat(let fd), .fsync(let fd), .close(let fd), .readdir(let fd):
            return "\(op.name): \(quote(fd))"
        case .pread(let fd, let offset, let size): return "fd_pread: {fd: \(quote(fd)), offset: \(offset), size: \(size)}"
        case .write(let fd, let data): return "fd_write: {fd: \(quote(fd)), data: \(quote(data))}"
        case .lseek(let fd, let offset, let whence): return "fd_lseek: {fd: \(quote(fd)), offset: \(offset), whence: \(whence.rawValue)}"
        case .mmapRead(let fd, let size): return "fd_mmap_read: {fd: \(quote(fd)), size: \(size)}"
        case .fchmod(let fd, let mode): return "fd_fchmod: {fd: \(quote(fd)), mode: 0\(String(mode, radix: 8))}"
        }
    }
}
