extension StepKind {
    /// The rules of the semantics doc the step exercises: the `rules:` of a fuzz reproducer
    /// (a step run `as:` a caller exercises R90).
    public var rules: [Int] {
        switch self {
        case .stat, .lstat: [23]
        case .read, .readlink: [22]
        case .readdir: [25]
        case .write, .append, .openRW, .truncate, .chmod, .chown, .utimes, .setxattr, .removexattr, .parallel: [38]
        case .getxattr, .listxattr: [91]
        case .mkdir, .create, .mknod, .symlink: [35]
        case .unlink: [33]
        case .rmdir: [34]
        case .rename: [47, 53]
        case .remount, .dropCaches: [50]
        case .nextStage: [22, 30, 50]
        case .remountInPlace, .reconfigure: [20]
        case .mountAgain: [9]
        case .mountStacked: [21]
        case .mountWithoutWorkdir: [6]
        case .fsconfigLayers: [3]
        case .link: [61]
        case .nameToHandle, .openByHandle: [66]
        case .procLocks: [60]
        case .offlineLower: [71]
        case .openTmpfile: [87]
        case .statfs: [19]
        case .fiemapShared: [44]
        case .chattr: [92]
        case .exec: [76]
        case .open, .fdRead, .fdPread, .fdWrite, .fdFstat, .fdLseek, .fdFsync, .fdFchmod, .fdMmapRead, .close,
             .fdReaddir:
            [72]
        }
    }

    /// The key of the argument naming a path the step may bring into existence (nil for none):
    /// the name a creating step makes, the new name of `rename` and `link`.
    public var createdPathKey: String? {
        switch self {
        case .write, .mkdir, .create, .mknod, .symlink: "path"
        case .rename, .link: "new"
        default: nil
        }
    }
}

extension Operation {
    /// The path the step may bring into existence (``StepKind/createdPathKey``).
    public var createdPath: RelPath? {
        guard let key = kind.createdPathKey, case .path(let p)? = arguments.first(where: { $0.key == key })?.value else {
            return nil
        }
        return p
    }
}
