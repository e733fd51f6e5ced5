#if canImport(Glibc)
import Glibc
#endif
import OvlFsck
import OvlLayerDisk
import OvlModel
import OvlSys

/// `fsck.overlay`: overlayfs-progs' command line and exit status over ovl-conform's layer
/// checker (the model's invariants, ``OvlModel/LayerSet/findings(policy:)``), so that xfstests
/// (overlay/045, 046, 056 and the `-n` check after every overlay test) can run it as
/// `FSCK_OVERLAY_PROG`. Exit: 0 clean, 1 changed and nothing left, 4 something left, 8 or-ed in
/// for an operational error, 16 usage.

let version = "fsck.overlay (ovl-conform) 0.2: overlayfs-progs' command line, ovl-conform's checks"

func say(_ s: String) { print(s) }
func complain(_ s: String) {
    let bytes = Array((s + "\n").utf8)
    _ = bytes.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
}

func realPath(_ p: String) -> String? {
    guard let r = realpath(p, nil) else { return nil }
    defer { free(r) }
    return String(cString: r)
}

func readText(_ path: String) -> String? {
    guard let bytes = try? Files.read(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

let options: FsckOverlayCommandLine.Options
switch FsckOverlayCommandLine.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(.version):
    say(version)
    exit(0)
case .success(.check(let o)):
    options = o
case .failure(let e):
    if e.message != "help" { complain("fsck.overlay: \(e.message)\n") }
    complain(FsckOverlayCommandLine.usage)
    exit(FsckOverlayCommandLine.usageExit)
}

/// Operational errors: fsck(8)'s FSCK_ERROR, or-ed into the status.
let operational: Int32 = 8

// Every folder must be a directory we can resolve.
var resolved: [String] = []
for dir in options.lowers + options.dataLowers + [options.upper, options.work].compactMap({ $0 }) {
    guard let r = realPath(dir), let st = try? Files.stat(r, follow: true), st.format == 0o040000 else {
        complain("fsck.overlay: cannot open \(dir): not a directory we can read")
        exit(operational)
    }
    resolved.append(r)
}
let lowers = Array(resolved.prefix(options.lowers.count + options.dataLowers.count))
let upper = options.upper.flatMap { _ in resolved.dropFirst(lowers.count).first }
let work = options.work.flatMap { _ in resolved.last }

if let upper, let work {
    if work == upper || work.hasPrefix(upper + "/") || upper.hasPrefix(work + "/") {
        complain("fsck.overlay: workdir \(work) and upperdir \(upper) overlap")
        exit(operational)
    }
    if let u = try? Files.stat(upper, follow: true), let w = try? Files.stat(work, follow: true), u.dev != w.dev {
        complain("fsck.overlay: upperdir and workdir are on different filesystems")
        exit(operational)
    }
}

// A layer of a mounted overlay changes under its readers: only a check (-n) may look at it.
if let info = readText("/proc/self/mountinfo"), let busy = MountedLayers.mounted(resolved, mountinfo: info) {
    if options.explicitNo {
        say("\(busy) belongs to a mounted overlay: checking only")
    } else {
        complain("fsck.overlay: \(busy) belongs to a mounted overlay; unmount it first or check with -n")
        exit(operational)
    }
}

let folders = LayerFolders(lowers: lowers, upper: upper, work: work,
                           prefix: XattrPrefix(userxattr: options.userxattr),
                           dataLayerCount: options.dataLowers.count)
let report: FsckReport
do {
    report = try folders.check(policy: options.policy)
} catch {
    complain("fsck.overlay: \(error)")
    exit(operational)
}

if options.verbose {
    say("checked \(lowers.count) lower layer\(lowers.count == 1 ? "" : "s")\(upper == nil ? "" : ", the upper layer and the workdir") with -\(options.policy.rawValue)")
    if !options.ignored.isEmpty { say("ignored -o \(options.ignored.joined(separator: ","))") }
}
let left = Set(report.left.map(\.key))
for f in report.found {
    say(left.contains(f.key) ? "\(f)" : "fixed: \(f)")
}
if !report.repaired.isEmpty { say("File system was modified!") }
if !report.left.isEmpty {
    say("\(report.left.count) problem\(report.left.count == 1 ? "" : "s") left")
    say("Still have unexpected inconsistency!")
} else {
    say("Filesystem clean")
}
exit(report.exitCode)
