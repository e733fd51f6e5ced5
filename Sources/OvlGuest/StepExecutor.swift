import OvlModel
import OvlSys
import Glibc

/// Runs one ``Operation`` against the real merged view and records what the kernel returned.
struct StepExecutor {
    /// The overlay mount point.
    let mountPoint: String
    /// Unmounts and mounts the overlay again with the same options (for `remount`).
    let remount: () throws(SysError) -> [String]

    func path(_ p: RelPath) -> String { p.isRoot ? mountPoint : mountPoint + "/" + p.description }

    func run(_ op: Operation) -> Outcome {
        do {
            return try perform(op)
        } catch {
            return .failed(ModelErrno(rawValue: error.errno))
        }
    }

    func perform(_ op: Operation) throws(SysError) -> Outcome {
        switch op {
        case .stat(let p): return .ok(.stat(statView(try Files.stat(path(p), follow: true))))
        case .lstat(let p): return .ok(.stat(statView(try Files.stat(path(p)))))
        case .read(let p): return .ok(.text(String(decoding: try Files.read(path(p)), as: UTF8.self)))
        case .write(let p, let data):
            try Files.write(path(p), Array(data.utf8), flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        case .append(let p, let data): try Files.write(path(p), Array(data.utf8), flags: O_WRONLY | O_APPEND)
        case .openRW(let p): try Files.openClose(path(p), flags: O_RDWR)
        case .truncate(let p, let size): try Files.truncate(path(p), size)
        case .readdir(let p):
            var names: [String: FileType] = [:]
            for e in try Files.readdir(path(p)) { names[e.name] = Self.direntType(e.type) }
            return .ok(.entries(names))
        case .mkdir(let p, let mode): try Files.mkdir(path(p), mode: mode)
        case .create(let p, let mode): try Files.openClose(path(p), flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        case .mknod(let p, .fifo): try Files.mknod(path(p), mode: S_IFIFO | 0o644, major: 0, minor: 0)
        case .mknod(let p, .chardev(let ma, let mi)): try Files.mknod(path(p), mode: S_IFCHR | 0o644, major: ma, minor: mi)
        case .unlink(let p): try Files.unlink(path(p))
        case .rmdir(let p): try Files.rmdir(path(p))
        case .symlink(let target, let p): try Files.symlink(target, path(p))
        case .readlink(let p): return .ok(.text(try Files.readlink(path(p))))
        case .openTmpfile(let p): try Files.openTmpfile(path(p))
        case .chattr(let p, let immutable, let append): try Files.setProtection(path(p), immutable: immutable, append: append)
        case .statfs(let p):
            let fs = try Files.statfs(path(p))
            return .ok(.text("type=0x" + String(fs.type, radix: 16) + " namelen=\(fs.nameMax)"))
        case .rename(let a, let b, let flags):
            var raw: UInt32 = 0
            for f in flags {
                switch f {
                case .noreplace: raw |= 1
                case .exchange: raw |= 2
                case .whiteout: raw |= 4
                }
            }
            try Files.rename(path(a), path(b), flags: raw)
        case .chmod(let p, let mode): try Files.chmod(path(p), mode)
        case .chown(let p, let uid, let gid): try Files.lchown(path(p), uid, gid)
        case .utimes(let p, let mtime): try Files.setTimes(path(p), seconds: mtime)
        case .setxattr(let p, let name, let value): try Xattr.set(path(p), name, Array(value.utf8))
        case .getxattr(let p, let name): return .ok(.text(Xattr.render(try Xattr.get(path(p), name))))
        case .removexattr(let p, let name): try Xattr.remove(path(p), name)
        case .listxattr(let p): return .ok(.names(try Xattr.list(path(p)).sorted()))
        case .remount: return .ok(.names(try remount()))
        case .dropCaches:
            sync()
            try Files.write("/proc/sys/vm/drop_caches", Array("2\n".utf8), flags: O_WRONLY)
        }
        return .ok(.none)
    }

    func statView(_ st: FileStat) -> StatView {
        let type = StateDump.fileType(st.format)
        return StatView(type: type, perm: st.perm, uid: st.uid, gid: st.gid,
                        size: type == .dir ? nil : st.size, nlink: st.nlink, mtime: st.mtime)
    }

    static func direntType(_ t: UInt8) -> FileType {
        switch Int(t) {
        case Int(DT_DIR): .dir
        case Int(DT_LNK): .symlink
        case Int(DT_FIFO): .fifo
        case Int(DT_CHR): .chardev
        case Int(DT_BLK): .blockdev
        case Int(DT_SOCK): .socket
        default: .file
        }
    }
}
