import Foundation
import OvlModel
import OvlSys

/// Appends ``GuestRecord``s as JSON lines to the results share and syncs each one, so a guest
/// crash loses at most the record in flight.
final class RecordWriter {
    private let fd: Int32
    private let encoder = JSONEncoder()

    init(path: String) throws(SysError) {
        fd = try sys("open", path) { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
    }
    deinit { close(fd) }

    func write(_ record: GuestRecord) {
        guard var data = try? encoder.encode(record) else { return }
        data.append(0x0a)
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
    }
}
