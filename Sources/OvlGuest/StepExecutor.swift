import OvlModel
import OvlSys
import Glibc

/// Runs one ``Operation`` against the real merged view and records what the kernel returned.
struct StepExecutor {
    /// The overlay mount point.
    let mountPoint: String
    /// Unmounts and mounts the overlay again with the same options (for `remount`).
    let remount: () throws -> [String]
    /// The options mountinfo shows for the overlay now (for `mount_remount`).
    let shownOptions: () throws(SysError) -> [String]
    /// Mounts a second overlay of the same layers elsewhere, with or without `workdir=`, and
    /// unmounts it (for `mount_again`, `mount_without_workdir`).
    let mountAgain: (_ withWorkdir: Bool) throws -> Void
    /// Sets layer keys on a fresh overlay fs context (for `fsconfig_layers`).
    let fsconfigLayers: ([LayerKey]) throws(SysError) -> [String]
    /// Mounts two overlays stacked on the job's one and unmounts them (for `mount_stacked`).
    let mountStacked: () throws -> [String]
    /// Unmounts, remakes one lower object, records the layers' inodes and mounts again.
    let offline: (Int, RelPath, Node) throws -> [String]
    /// Unmounts, stacks a fresh upper on the old one and mounts with the stage's options.
    let nextStage: ([MountOption]?) throws -> [String]
    /// File handles taken by earlier steps of the job, by label.
    let handles = HandleStore()
    /// The fds the job's steps hold open, by name.
    let fds = FdTable()
    /// The programs `exec` steps started, still running.
    let programs = ProgramTable()

    func path(_ p: RelPath) -> String { p.isRoot ? mountPoint : mountPoint + "/" + p.description }

    /// The kernel's answer to `op` (a failed call's errno), or the harness failure around it.
    func run(_ op: Operation) -> StepResult {
        do {
            return .observed(try perform(op))
        } catch let e as SysError {
            return .observed(.failed(ModelErrno(rawValue: e.errno)))
        } catch {
            return .harness("\(error)")
        }
    }

    /// - Throws: ``SysError`` from the call under test (an observation), ``HarnessFault`` otherwise.
    func perform(_ op: Operation) throws -> Outcome {
        switch op {
        case .stat(let p): return .ok(.stat(statView(try Files.stat(path(p), follow: true))))
        case .lstat(let p): return .ok(.stat(statView(try Files.stat(path(p)))))
        case .read(let p):
            let st = try Files.stat(path(p), follow: true)
            // A fifo or device reads as it always did; a regular file above the threshold by its data segments.
            guard StateDump.fileType(st.format) == .file else { return .ok(.text(String(decoding: try Files.read(path(p)), as: UTF8.self))) }
            return .ok(.text(try SparseDump.contents(path(p), size: st.size)))
        case .write(let p, let data):
            try Files.write(path(p), Array(data.utf8), flags: O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK, mode: 0o644)
        case .append(let p, let data): try Files.write(path(p), Array(data.utf8), flags: O_WRONLY | O_APPEND | O_NONBLOCK)
        case .openRW(let p): try Files.openClose(path(p), flags: O_RDWR | O_NONBLOCK)
        case .truncate(let p, let size): try Files.truncate(path(p), size)
        case .readdir(let p):
            var names: [String: DirentView] = [:]
            for e in try Files.readdir(path(p)) { names[e.name] = DirentView(type: FileType(direntType: e.type), ino: .number(e.ino)) }
            return .ok(.dirents(names))
        case .mkdir(let p, let mode): try Files.mkdir(path(p), mode: mode)
        case .create(let p, let mode): try Files.openClose(path(p), flags: O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK, mode: mode)
        case .mknod(let p, .fifo): try Files.mknod(path(p), mode: S_IFIFO | 0o644, major: 0, minor: 0)
        case .mknod(let p, .chardev(let ma, let mi)): try Files.mknod(path(p), mode: S_IFCHR | 0o644, major: ma, minor: mi)
        case .unlink(let p): try Files.unlink(path(p))
        case .rmdir(let p): try Files.rmdir(path(p))
        case .symlink(let target, let p): try Files.symlink(target, path(p))
        case .readlink(let p): return .ok(.text(try Files.readlink(path(p))))
        case .openTmpfile(let p): try Files.openTmpfile(path(p))
        case .chattr(let p, let immutable, let append): try Files.setProtection(path(p), immutable: immutable, append: append)
        case .fiemapShared(let p):
            let map = try Files.fiemapSharing(path(p))
            let text = map.extents == 0 ? "no extents"
                : map.shared == map.extents ? "shared" : map.shared == 0 ? "unshared" : "partly shared"
            return .ok(.text(text))
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
        case .link(let a, let b): try Files.link(path(a), path(b))
        case .offlineLower(let k, let p, let node):
            fds.closeAll()
            programs.endAll()
            return .ok(.names(try offline(k, p, node)))
        case .procLocks(let p):
            let (locked, st) = try Files.lockedInode(path(p))
            return .ok(.stat(StatView(type: StateDump.fileType(st.format), ino: .number(locked.ino),
                                      dev: .number(locked.dev))))
        case .nameToHandle(let p, let label, let fid):
            handles.known.insert(label)
            let h = try Files.nameToHandle(path(p), fid: fid)
            handles.byLabel[label] = h
            // An ovl_fh is 3 bytes of padding, then ovl_fb: version, magic 0xfb, len, flags (R62, R66).
            let ovl = h.bytes.count > 6 && h.bytes[4] == 0xfb
            return .ok(.handle(HandleView(type: h.type, upper: ovl ? h.bytes[6] & 4 != 0 : nil)))
        case .openByHandle(let label):
            // A label whose name_to_handle_at the kernel refused holds no handle: the kernel is
            // asked with an empty one.
            guard handles.known.contains(label) else { throw HarnessFault("open_by_handle_at: no name_to_handle_at step took a handle labelled \(label)") }
            return .ok(.stat(statView(try Files.statByHandle(handles.byLabel[label] ?? .empty, mountPoint: mountPoint))))
        case .mountAgain: try mountAgain(true)
        case .mountWithoutWorkdir: try mountAgain(false)
        case .fsconfigLayers(let keys): return .ok(.names(try fsconfigLayers(keys)))
        case .mountStacked: return .ok(.names(try mountStacked()))
        case .remountInPlace(let options):
            // The overlay stays mounted: fds and programs live on.
            try Mount.remount(mountPoint, options: options)
            return .ok(.names(try shownOptions()))
        case .reconfigure(let params):
            let (results, done) = try FsContext.reconfigure(mountPoint, params: params)
            let code = { (e: Int32) in e == 0 ? "0" : "\(ModelErrno(rawValue: e))" }
            return .ok(.names(Operation.reconfigureLines(params, results.map(code), reconfigure: done.map(code))
                              + (try shownOptions())))
        case .remount:
            fds.closeAll()
            programs.endAll()
            return .ok(.names(try remount()))
        case .nextStage(let options):
            fds.closeAll()
            programs.endAll()
            return .ok(.names(try nextStage(options)))
        case .fd(let f): return try performFd(f)
        case .parallel(let ops): return try runParallel(ops)
        case .asCaller(let caller, let op): return try runAs(caller, op)
        case .exec(let p): try programs.start(path(p))
        case .dropCaches:
            sync()
            try harness("write 2 to /proc/sys/vm/drop_caches") { () throws(SysError) in
                try Files.write("/proc/sys/vm/drop_caches", Array("2\n".utf8), flags: O_WRONLY)
            }
        }
        return .ok(.none)
    }

    func statView(_ st: FileStat) -> StatView {
        let type = StateDump.fileType(st.format)
        return StatView(type: type, perm: st.perm, uid: st.uid, gid: st.gid,
                        size: type == .dir ? nil : st.size, nlink: st.nlink, mtime: st.mtime,
                        ino: .number(st.ino), dev: .number(st.dev), blocks: .number(UInt64(st.blocks)))
    }
}

/// The file handles one job's steps took, by the label the case gave them.
final class HandleStore {
    var byLabel: [String: RawFileHandle] = [:]
    /// Every label a name_to_handle_at step of the job used, whether the kernel gave a handle or not.
    var known: Set<String> = []
}
