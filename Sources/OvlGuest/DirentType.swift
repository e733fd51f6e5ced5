import Glibc
import OvlModel

extension FileType {
    /// The file type a `getdents64` entry's `d_type` names.
    init(direntType t: UInt8) {
        switch Int32(t) {
        case Int32(DT_DIR): self = .dir
        case Int32(DT_LNK): self = .symlink
        case Int32(DT_FIFO): self = .fifo
        case Int32(DT_CHR): self = .chardev
        case Int32(DT_BLK): self = .blockdev
        case Int32(DT_SOCK): self = .socket
        case Int32(DT_UNKNOWN): self = .unknown
        default: self = .file
        }
    }
}
