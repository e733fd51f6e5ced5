import CLinux
import OvlModel
import OvlSys
import Glibc

/// Reads a regular file's contents for a record: all of it as text, or, for a file larger than
/// ``SparseFile/threshold``, only its data segments (found with `SEEK_DATA`/`SEEK_HOLE`, the
/// first ``SparseFile/shownBytes`` of each) as a ``SparseFile`` rendering — a 5 GiB sparse file
/// is never read through its holes (R44).
enum SparseDump {
    /// The contents of the regular file at `path`, whose st_size is `size`; `noatime` reads it
    /// without touching its atime (a lower layer's dump, R75).
    static func contents(_ path: String, size: Int64, noatime: Bool = false) throws(SysError) -> String {
        guard size > SparseFile.threshold else { return String(decoding: try Files.read(path, noatime: noatime), as: UTF8.self) }
        let fd = try FileDescriptors.open(path, flags: O_RDONLY | O_NONBLOCK | O_CLOEXEC | (noatime ? O_NOATIME : 0))
        defer { try? FileDescriptors.close(fd) }
        var segments: [(offset: Int64, length: Int64, bytes: [UInt8])] = []
        var pos: Int64 = 0
        while pos < size {
            let data: Int64
            do {
                data = try FileDescriptors.lseek(fd, pos, whence: 3)  // SEEK_DATA
            } catch where error.errno == ENXIO {
                break
            }
            let hole = try FileDescriptors.lseek(fd, data, whence: 4)  // SEEK_HOLE
            let shown = try FileDescriptors.pread(fd, offset: data, size: Int(min(hole - data, Int64(SparseFile.shownBytes))))
            segments.append((data, hole - data, shown))
            pos = hole
        }
        return SparseFile.rendering(size: size, segments: segments)
    }
}
