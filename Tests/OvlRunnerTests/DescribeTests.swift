import OvlModel
@testable import OvlRunner
import Testing

private func rp(_ text: String) -> RelPath { RelPath(parsing: text) ?? .root }

@Suite("Checker.describe renders a step's typed arguments on one line")
struct DescribeTests {
    @Test("each kind of value; a later number or name labelled with its key", arguments: [
        (Operation.stat(rp("d/")), "d/"),
        (.write(rp("a"), data: "hi"), "a \"hi\""),
        (.truncate(rp("a"), size: 3), "a size=3"),
        (.mkdir(rp("m"), mode: 0o700), "m 0700"),
        (.mknod(rp("z"), kind: .chardev(major: 1, minor: 3)), "z chardev major=1 minor=3"),
        (.symlink(target: "x", path: rp("s")), "x s"),
        (.rename(rp("a"), to: rp("b"), flags: [.noreplace, .whiteout]), "a b RENAME_NOREPLACE|RENAME_WHITEOUT"),
        (.chown(rp("a"), uid: 1000, gid: 100), "a uid=1000 gid=100"),
        (.chattr(rp("a"), immutable: true, append: false), "a +immutable -append"),
        (.setxattr(rp("a"), name: "user.k", value: "v"), "a name=user.k \"v\""),
        (.nameToHandle(rp("a"), label: "h", fid: true), "a label=h AT_HANDLE_FID"),
        (.offlineLower(layer: 1, path: rp("d"), node: Node(kind: .fifo)), "lower1 d fifo"),
        (.remount, ""),
        (.nextStage(options: nil), ""),
        (.nextStage(options: [MountOption(key: "index", value: "on"), MountOption(key: "userxattr", value: nil)]), "[index=on,userxattr]"),
        (.fsconfigLayers([.lowerdir, .datadirAdd]), "lowerdir datadir+"),
        (.remountInPlace(options: "ro"), "ro"),
        (.fd(.open(rp("a"), flags: [], fd: "A")), "a fd=A"),
        (.fd(.open(rp("a"), flags: [.rdwr, .trunc], fd: "A")), "a O_RDWR|O_TRUNC fd=A"),
        (.fd(.pread(fd: "A", offset: 2, size: 8)), "A offset=2 size=8"),
        (.fd(.lseek(fd: "A", offset: 1, whence: .end)), "A offset=1 SEEK_END"),
        (.fd(.fchmod(fd: "A", mode: 0o600)), "A 0600"),
        (.parallel([.read(rp("a")), .asCaller(Caller(uid: 1000, gid: 1000), .unlink(rp("b")))]), "read a | unlink b (as 1000:1000)"),
        (.asCaller(Caller(uid: 1000, gid: 100, umask: 0o022), .create(rp("c"), mode: 0o666)), "c 0666 (as 1000:100 umask 022)"),
    ])
    func describe(_ op: Operation, _ text: String) {
        #expect(Checker.describe(op) == text)
    }
}
