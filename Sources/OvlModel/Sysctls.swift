/// The sysctls that change what a path walk or a link is allowed (`fs/namei.c`), as the machine
/// running the jobs has them: the guest's agent reads them from `/proc/sys/fs` into its boot
/// record, so a host with other settings is judged by its own (R90).
public struct Sysctls: Codable, Sendable, Equatable {
    /// `fs.protected_symlinks` (`sysctl_protected_symlinks`, `may_follow_link`).
    public var protectedSymlinks: Int
    /// `fs.protected_hardlinks` (`sysctl_protected_hardlinks`, `may_linkat`).
    public var protectedHardlinks: Int
    /// `fs.protected_fifos` (`may_create_in_sticky`); the model predicts 0.
    public var protectedFifos: Int
    /// `fs.protected_regular` (`may_create_in_sticky`); the model predicts 0.
    public var protectedRegular: Int

    public init(protectedSymlinks: Int = 1, protectedHardlinks: Int = 1, protectedFifos: Int = 0, protectedRegular: Int = 0) {
        self.protectedSymlinks = protectedSymlinks; self.protectedHardlinks = protectedHardlinks
        self.protectedFifos = protectedFifos; self.protectedRegular = protectedRegular
    }

    /// Debian's kernels: its patch "fs: Enable link security restrictions by default" turns the
    /// link protections on; fifos and regular files keep the kernel's 0 (no systemd in the guest).
    public static let debian = Sysctls()

    /// The settings whose non-default value the model does not follow (their checks are not
    /// modelled), as `name=value`; empty when the model follows every one.
    public var unfollowed: [String] {
        [("fs.protected_fifos", protectedFifos), ("fs.protected_regular", protectedRegular)]
            .filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }
    }
}
