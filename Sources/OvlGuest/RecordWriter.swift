import Foundation
import OvlModel
import OvlProtocol
import OvlSys

/// Appends ``GuestRecord``s as JSON lines to the results share.
///
/// Records that mark progress (``GuestRecord/marksProgress``: the mount, each step, a job's end)
/// are written at once, together with the records gathered since the last write, in one
/// `write`. The host's watchdog and its "in step 2/3" for a crash or hang need no more, so a guest
/// crash loses at most the step in flight while a job costs a few round trips to the host, not
/// one per record.
///
/// The share is 9p without a cache (vm/init mounts it without `cache=`), so the file is opened
/// P9L_DIRECT (fs/9p/fid.h: `v9fs_fid_add_modes`) and `write` goes through
/// `netfs_unbuffered_write_iter` (fs/9p/vfs_file.c: `v9fs_file_write_iter`): it returns after
/// QEMU has written the bytes to the host's file, and a guest that dies next cannot lose them.
/// An `fsync` would only add a host disk flush per write; it guards against a host crash.
final class RecordWriter {
    private let fd: Int32
    private let encoder = JSONEncoder()
    private var pending = Data()
    /// Charged with the time spent encoding and writing, when set.
    var clock: PhaseClock?

    init(path: String) throws(SysError) {
        fd = try sys("open", path) { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
    }
    deinit { close(fd) }

    func write(_ record: GuestRecord) {
        guard let clock else { return append(record) }
        clock.during(\.records) { append(record) }
    }

    private func append(_ record: GuestRecord) {
        let data: Data
        do { data = try encoder.encode(record) } catch { Self.fail("cannot encode a \(record) record: \(error)") }
        pending.append(data)
        pending.append(0x0a)
        guard record.marksProgress else { return }
        var done = 0
        while done < pending.count {
            let n = pending.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { Self.fail("write of records.jsonl failed after \(done) of \(pending.count) bytes: errno \(errno)") }
            done += n
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// A record that cannot be written whole would read as "not run" on the host: stop the agent
    /// at once, saying why on the console, where the host finds ``harnessFailureMarker``.
    static func fail(_ why: String) -> Never {
        print("\(harnessFailureMarker) \(why)")
        exit(70)
    }
}
