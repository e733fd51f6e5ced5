import OvlModel
import Yams

/// The case syntax of the named-fd steps (R72–R76): `open: {path, flags, fd}`, `fd_read: A`, …
enum FdStepSyntax {
    /// Steps whose only argument is the fd name (a scalar, or `{fd: A}`).
    static let fdOnly = ["fd_read", "fd_fstat", "fd_fsync", "fd_readdir", "close"]
    /// The other fd steps: required and optional keys.
    static let mappings: [String: (required: [String], optional: [String])] = [
        "open": (["path", "fd"], ["flags"]),
        "fd_pread": (["fd", "offset", "size"], []),
        "fd_write": (["fd", "data"], []),
        "fd_lseek": (["fd", "offset", "whence"], []),
        "fd_mmap_read": (["fd", "size"], []),
        "fd_fchmod": (["fd", "mode"], []),
    ]

    /// Builds a step of ``mappings`` from its fields.
    static func build(_ name: String, _ f: Fields, reader: NodeReader) throws(CaseError) -> FdOperation {
        func need(_ key: String) throws(CaseError) -> YNode {
            try f.required(key, missing: "step '\(name)' needs '\(key)'")
        }
        let fd = try reader.nonEmptyText(try need("fd"))
        switch name {
        case "open":
            var flags: [OpenFlag] = []
            if let node = f["flags"] {
                for item in try reader.sequence(node) {
                    let value = try reader.text(item)
                    guard let flag = OpenFlag(rawValue: value) else {
                        throw reader.error("unknown open flag '\(value)'; expected one of: \(OpenFlag.allCases.map(\.rawValue).joined(separator: ", "))", at: item)
                    }
                    flags.append(flag)
                }
            }
            let modes = flags.filter { [.rdonly, .wronly, .rdwr].contains($0) }
            if modes.count > 1, let node = f["flags"] {
                throw reader.error("open takes one access mode of O_RDONLY, O_WRONLY, O_RDWR", at: node)
            }
            return .open(try reader.path(try need("path")), flags: flags, fd: fd)
        case "fd_pread":
            return .pread(fd: fd, offset: try reader.nonNegativeInt64(try need("offset")),
                          size: try reader.integer(try need("size"), in: 0...65536))
        case "fd_write": return .write(fd: fd, data: try reader.text(try need("data")))
        case "fd_lseek":
            let node = try need("whence")
            let value = try reader.text(node)
            guard let whence = Whence(rawValue: value) else {
                throw reader.error("unknown whence '\(value)'; expected one of: \(Whence.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
            }
            return .lseek(fd: fd, offset: try reader.nonNegativeInt64(try need("offset")), whence: whence)
        case "fd_fchmod": return .fchmod(fd: fd, mode: try reader.mode(try need("mode")))
        default:
            // A mapping of more than one page could run past the end of the real file: SIGBUS.
            return .mmapRead(fd: fd, size: try reader.integer(try need("size"), in: 1...4096))
        }
    }

    /// A step of ``fdOnly``.
    static func fdOnlyStep(_ name: String, fd: String) -> FdOperation {
        switch name {
        case "fd_read": .read(fd: fd)
        case "fd_fstat": .fstat(fd: fd)
        case "fd_fsync": .fsync(fd: fd)
        case "fd_readdir": .readdir(fd: fd)
        default: .close(fd: fd)
        }
    }
}

extension CaseWriter {
    /// One fd step in the syntax ``FdStepSyntax`` reads.
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
