/// The credentials a step runs with when a case says `as:` (R90): an unprivileged caller.
///
/// The guest runs such a step in a forked child that drops to these ids (no supplementary
/// groups, so the caller's only group is ``gid``) and no capabilities, with ``umask`` as its
/// umask. Without `as:` a step runs as the mounter (root, umask 0).
public struct Caller: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The real, effective, saved and filesystem uid (never 0: root keeps its capabilities).
    public var uid: UInt32
    /// The real, effective, saved and filesystem gid, and the only group the caller is in.
    public var gid: UInt32
    /// The umask the step runs under (permission bits only).
    public var umask: UInt32

    public init(uid: UInt32, gid: UInt32, umask: UInt32 = 0) {
        self.uid = uid; self.gid = gid; self.umask = umask
    }

    public var description: String {
        "as \(uid):\(gid)" + (umask == 0 ? "" : " umask 0" + String(umask, radix: 8))
    }
}
