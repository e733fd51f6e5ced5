import OvlModel
import Testing

/// A model of `lowers` (top first, the last `data` of them data-only) over an empty upper, with
/// options as in a case file, for kernel `release` (nil: the reference kernel); not yet mounted.
private func model(_ lowers: [Layer], data: Int = 0, options: [String] = [], kernel release: String?) -> OverlayModel {
    let opts = options.map { o in
        let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
        return MountOption(key: kv[0], value: kv.count > 1 ? kv[1] : nil)
    }
    let kernel = release.map { KernelVersion(release: $0)! }
    return OverlayModel(scenario: Scenario(lowers: lowers, upper: Layer(), options: opts, steps: [], dataLayerCount: data),
                        environment: Environment(defaults: .debian, samefs: true, kernel: kernel))
}

/// A layer of files `name: data` (parents made).
private func layer(_ files: [String: String]) -> Layer {
    var l = Layer()
    for (name, data) in files { l.entries[path(name)] = Node(kind: .file(data: data)) }
    l.addMissingParents()
    return l
}

private func nlink(_ m: inout OverlayModel, _ name: String) -> UInt64? {
    guard case .ok(.stat(let s)) = m.apply(.stat(path(name))) else { return nil }
    return s.nlink
}

@Suite("Kernel versions: parsing, the version table, and predictions that follow it")
struct KernelVersionTests {
    @Test("uname -r releases parse to major.minor.patch", arguments: [
        ("6.12.117+deb12-amd64", KernelVersion(6, 12, 117)), ("6.12.117+", KernelVersion(6, 12, 117)), ("6.12.9-dirty", KernelVersion(6, 12, 9)),
        ("6.13.0-rc3", KernelVersion(6, 13, 0)), ("6.12", KernelVersion(6, 12, 0)), ("7.0-rc1", KernelVersion(7, 0, 0)),
    ])
    func parses(release: String, version: KernelVersion) {
        #expect(KernelVersion(release: release) == version)
    }

    @Test("Debian's 6.1 release names the ABI: the guest adds the upstream version of uname -v, which the parser prefers", arguments: [
        ("6.1.0-57-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)", "6.1.0-57-amd64 (Debian 6.1.192-3)", KernelVersion(6, 1, 192)),
        ("6.12.118+deb12-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.12.118-1~deb12u1 (2026-11-20)", "6.12.118+deb12-amd64", KernelVersion(6, 12, 118)),
        ("6.12.9-dirty", "#3 SMP PREEMPT_DYNAMIC Tue Dec  1 10:00:00 UTC 2026", "6.12.9-dirty", KernelVersion(6, 12, 9)),
    ])
    func debianRelease(release: String, version: String, reported: String, parsed: KernelVersion) {
        #expect(KernelVersion.guestRelease(release: release, version: version) == reported)
        #expect(KernelVersion(release: reported) == parsed)
    }

    @Test("text that does not start with major.minor is no version", arguments: ["", "6", "linux-6.12", "6.x.1", "6.12.x"])
    func refuses(release: String) {
        #expect(KernelVersion(release: release) == nil)
    }

    @Test("a change is in its mainline release and later, and in a stable line from its backport on")
    func presence() {
        let v = { (s: String) in KernelVersion(release: s)! }
        #expect(KernelChanges.tmpfile.present(in: v("6.10")))
        #expect(!KernelChanges.tmpfile.present(in: v("6.9.12")))
        #expect(KernelChanges.tmpfile.present(in: v("6.12.113")))
        #expect(!KernelChanges.fsyncOption.present(in: v("6.12.79")))
        #expect(KernelChanges.fsyncOption.present(in: v("6.12.80")))
        #expect(!KernelChanges.fsyncOption.present(in: v("6.13.4")), "no backport to 6.13, before mainline 7.0")
        #expect(KernelChanges.fsyncOption.present(in: v("7.1")))
        #expect(!KernelChanges.indexedNlink.present(in: v("6.12.113")))
        #expect(KernelChanges.indexedNlink.present(in: v("6.12.117")))
        #expect(!KernelChanges.indexedNlink.present(in: v("6.13")), "mainline unknown: only its stable lines have it")
        #expect(!KernelChanges.indexedNlink.present(in: v("6.18.44")), "6.18.44 does not (exportfs/002 on the host)")
        #expect(!KernelChanges.indexedNlink.present(in: v("6.11.2")))
        #expect(!KernelChanges.emptyCapability.present(in: v("6.12.113")))
        #expect(KernelChanges.emptyCapability.present(in: v("6.12.117")))
        let after612 = [KernelChanges.consistentRedirectRejection, KernelChanges.dataOnlyWithoutMetacopy, KernelChanges.verityWithoutMetacopy,
                        KernelChanges.emptyCapabilityRefused, KernelChanges.uuidOffAnyFS].map(\.name)
        #expect(KernelChanges.all.allSatisfy { $0.present(in: .reference) != after612.contains($0.name) },
                "the reference kernel has every change but those after 6.12 that no 6.12.y got")
        #expect(KernelChanges.all.allSatisfy { !$0.rules.isEmpty && !$0.source.isEmpty && !$0.before.isEmpty })
    }

    @Test("R87: O_TMPFILE copies the directory up from 6.10; before, EOPNOTSUPP and nothing copied up")
    func tmpfile() {
        for (kernel, expected) in [("6.9.12", Outcome.failed(.EOPNOTSUPP)), ("6.10", .ok(.none)), (nil, .ok(.none))] {
            var m = model([layer(["d/f": "x"])], kernel: kernel)
            _ = m.mount()
            #expect(m.apply(.openTmpfile(path("d"))) == expected)
            #expect((m.upper?[path("d")] != nil) == (expected == .ok(.none)), "kernel \(kernel ?? "reference")")
        }
    }

    @Test("R3: fsconfig keys: every one kept before 6.5, lowerdir+/datadir+ unknown before 6.8, the order rules from 6.8")
    func fsconfigLayers() {
        let keys: [LayerKey] = [.lowerdirAdd, .datadirAdd, .lowerdirAdd]
        for (kernel, expected) in [("6.4", ["0", "0", "0"]), ("6.7", ["EINVAL"]), ("6.8", ["0", "0", "EINVAL"])] {
            var m = model([layer(["f": "x"])], kernel: kernel)
            _ = m.mount()
            #expect(m.apply(.fsconfigLayers(keys)) == .ok(.names(expected)), "kernel \(kernel)")
        }
    }

    @Test("R83: data-only layers mount from 6.5; before, `::` is an empty lowerdir: EINVAL after work/ is made")
    func dataOnlyLayers() {
        let lowers = [layer(["f": "x"]), layer(["blob": "data"])]
        var old = model(lowers, data: 1, options: ["metacopy=on"], kernel: "6.4.16")
        let refused = old.mount()
        #expect(refused.errno == .EINVAL)
        #expect(refused.kernelLog == ["overlayfs: empty lowerdir"])
        #expect(old.snapshot().work == [])
        var new = model(lowers, data: 1, options: ["metacopy=on"], kernel: "6.5")
        #expect(new.mount().errno == nil)
    }

    @Test("R17: mountinfo shows volatile as fsync=volatile from the fsync= option on (6.12.80 in the 6.12 line)")
    func volatileShown() {
        for (kernel, shown) in [("6.12.79", "volatile"), ("6.12.80", "fsync=volatile"), ("6.13.2", "volatile"),
                                ("6.18.20", "volatile"), ("6.18.21", "fsync=volatile"), ("6.18.44", "fsync=volatile")] {
            var m = model([layer(["f": "x"])], options: ["volatile"], kernel: kernel)
            #expect(m.mount().options?.contains(shown) == true, "kernel \(kernel)")
        }
    }

    @Test("R63: before 6.12.117 an nfs_export-indexed file of a one-link lower shows nlink 2 once evicted, unless held open")
    func indexedNlink() {
        for (kernel, afterEviction) in [("6.12.113", UInt64(2)), ("6.12.117", 1)] {
            var m = model([layer(["f": "x", "g": "y"])], options: ["nfs_export=on"], kernel: kernel)
            _ = m.mount()
            _ = m.apply(.append(path("f"), data: "z"))
            _ = m.apply(.append(path("g"), data: "z"))
            _ = m.apply(.fd(.open(path("g"), flags: [.rdonly], fd: "held")))
            #expect(nlink(&m, "f") == 1)
            _ = m.apply(.dropCaches)
            #expect(nlink(&m, "f") == afterEviction, "kernel \(kernel)")
            #expect(nlink(&m, "g") == 1, "an open fd keeps the inode: kernel \(kernel)")
        }
    }

    @Test("an empty security.capability reads EINVAL; other names and values read as they are")
    func unreadableCapability() {
        #expect(XattrPattern.readError(name: "security.capability", value: "") == .EINVAL)
        #expect(XattrPattern.asRead(name: "security.capability", value: "") == "<EINVAL>")
        #expect(XattrPattern.readError(name: "user.a", value: "") == nil)
        #expect(XattrPattern.asRead(name: "security.capability", value: "0x0100000201") == "0x0100000201")
    }

    @Test("R41: an empty security.capability is left out of a copy-up from 6.12.117; before, the copy-up fails with EINVAL after the parent was copied up and marked impure")
    func emptyCapabilityCopyUp() {
        var l = layer(["d/g": "y", "f": "x"])
        l.entries[path("d/g")]?.xattrs = ["security.capability": "", "user.a": "1"]
        for (kernel, expected) in [("6.12.113", Outcome.failed(.EINVAL)), ("6.12.117", .ok(.none))] {
            var m = model([l], kernel: kernel)
            _ = m.mount()
            #expect(m.apply(.chmod(path("d/g"), mode: 0o600)) == expected, "kernel \(kernel)")
            let up = m.upper?[path("d/g")]
            #expect((up != nil) == (expected == .ok(.none)), "kernel \(kernel)")
            #expect(up?.xattrs["security.capability"] == nil)
            #expect(up.map { $0.xattrs["user.a"] == "1" } ?? true)
            #expect(m.upper?[path("d")]?.xattrs["trusted.overlay.impure"] == "y", "kernel \(kernel)")
            #expect(m.apply(.getxattr(path("d/g"), name: "security.capability")) == (up == nil ? .failed(.EINVAL) : .failed(.ENODATA)))
            #expect(m.apply(.chmod(path("f"), mode: 0o600)) == .ok(.none), "a file without the xattr copies up: kernel \(kernel)")
        }
    }

    @Test("R79: with metacopy=on the data copy-up of an upper with an empty security.capability fails with EINVAL before 6.12.117 and keeps it from then on")
    func emptyCapabilityDataCopyUp() {
        for (kernel, expected) in [("6.12.113", Outcome.failed(.EINVAL)), ("6.12.117", .ok(.none))] {
            var m = model([layer(["f": "data"])], options: ["metacopy=on"], kernel: kernel)
            _ = m.mount()
            #expect(m.apply(.setxattr(path("f"), name: "security.capability", value: "")) == .ok(.none))
            #expect(m.apply(.append(path("f"), data: "+")) == expected, "kernel \(kernel)")
            #expect((m.upper?[path("f")]?.xattrs["trusted.overlay.metacopy"] != nil) == (expected != .ok(.none)))
            #expect(m.upper?[path("f")]?.xattrs["security.capability"] == "")
        }
    }

    @Test("R38: fchmod of an fd whose lower object was removed: EEXIST for a file; from 6.12.117 for a fifo and a dir too, before the fifo is back over its whiteout and the dir gets ENOTDIR")
    func removedCopyUp() {
        var l = layer(["f": "x", "g": "y"])
        l.entries[path("p")] = Node(kind: .fifo)
        l.entries[path("d")] = Node(kind: .dir)
        for (kernel, fifo, dir) in [("6.12.113", Outcome.ok(.none), Outcome.failed(.ENOTDIR)), ("6.12.117", .failed(.EEXIST), .failed(.EEXIST))] {
            var m = model([l], kernel: kernel)
            _ = m.mount()
            for (name, fd) in [("f", "F"), ("p", "P"), ("d", "D"), ("g", "G")] {
                #expect(m.apply(.fd(.open(path(name), flags: [.rdonly], fd: fd))) == .ok(.none))
            }
            _ = m.apply(.unlink(path("f")))
            _ = m.apply(.unlink(path("p")))
            _ = m.apply(.rmdir(path("d")))
            #expect(m.apply(.fd(.fchmod(fd: "F", mode: 0o600))) == .failed(.EEXIST), "kernel \(kernel)")
            #expect(m.apply(.fd(.fchmod(fd: "P", mode: 0o600))) == fifo, "kernel \(kernel)")
            #expect(m.apply(.fd(.fchmod(fd: "D", mode: 0o700))) == dir, "kernel \(kernel)")
            #expect(m.apply(.fd(.fchmod(fd: "G", mode: 0o640))) == .ok(.none), "a name still there: a chmod of it")
            #expect(m.upper?[path("g")]?.perm == 0o640)
            #expect(m.upper?[path("f")]?.kind == .whiteout)
            #expect(m.upper?[path("p")]?.kind == (fifo == .ok(.none) ? .fifo : .whiteout), "kernel \(kernel)")
            #expect(m.upper?[path("p")].map { $0.kind != .fifo || $0.perm == 0o600 } == true)
            #expect(m.upper?.root.xattrs["trusted.overlay.impure"] == "y")
        }
    }

    @Test("the 6.18 line: the 6.16 entries, fsync= and the xino fix from 6.18.21, the 6.12.117 fixes not in 6.18.44")
    func presence618() {
        let v = { (s: String) in KernelVersion(release: s)! }
        for change in [KernelChanges.consistentRedirectRejection, KernelChanges.dataOnlyWithoutMetacopy, KernelChanges.verityWithoutMetacopy] {
            #expect(!change.present(in: v("6.12.118")) && !change.present(in: v("6.15.11")), "\(change.name)")
            #expect(change.present(in: v("6.16")) && change.present(in: v("6.18.44")) && change.present(in: v("7.0")), "\(change.name)")
        }
        for change in [KernelChanges.fsyncOption, KernelChanges.ino32Detection] {
            #expect(!change.present(in: v("6.18.20")) && change.present(in: v("6.18.21")), "\(change.name)")
        }
        #expect(!KernelChanges.ino32Detection.present(in: v("6.19.10")) && KernelChanges.ino32Detection.present(in: v("6.19.11")))
        #expect(!KernelChanges.encodeFhMandatory.present(in: v("6.6.60")) && KernelChanges.encodeFhMandatory.present(in: v("6.7")))
        for change in [KernelChanges.indexedNlink, KernelChanges.emptyCapability, KernelChanges.removedCopyUp] {
            #expect(!change.present(in: v("6.18.44")), "\(change.name)")
        }
        #expect(KernelChanges.emptyCapabilityRefused.present(in: v("6.18.44")) && !KernelChanges.emptyCapabilityRefused.present(in: v("6.12.118")))
        #expect(KernelChanges.verityWithoutMetacopy.confirmedOn.contains(v("6.18.44")))
        #expect(KernelChanges.encodeFhMandatory.confirmedOn == [KernelVersion(6, 1, 192)], "2-bit xino is on no kernel here: only 6.1's 32 bits before it are seen")
        #expect(!KernelChanges.uuidOffAnyFS.present(in: v("6.18.44")) && KernelChanges.uuidOffAnyFS.present(in: v("7.0")))
        #expect(KernelChanges.uuidOffAnyFS.confirmedOn.isEmpty)
    }

    @Test("R11/R82: verity implies metacopy and conflicts with metacopy=off, nofollow and userxattr before 6.16; from 6.16 it stands alone")
    func verityWithoutMetacopy() throws {
        let opts = { (given: [String]) in given.map { o in
            let kv = o.split(separator: "=").map(String.init)
            return MountOption(key: kv[0], value: kv.count > 1 ? kv[1] : nil)
        } }
        let old = try ResolvedOptions.resolve(opts(["verity=on"]), defaults: .debian, kernel: KernelVersion(6, 12, 118))
        #expect(old.metacopy && old.redirect == .on)
        let new = try ResolvedOptions.resolve(opts(["verity=on"]), defaults: .debian, kernel: KernelVersion(6, 18, 44))
        #expect(!new.metacopy && new.redirect == .follow && new.verity == .on)
        for given in [["metacopy=off", "verity=on"], ["verity=require", "redirect_dir=nofollow"], ["userxattr", "verity=on"]] {
            #expect(throws: MountRefusal.self) { try ResolvedOptions.resolve(opts(given), defaults: .debian, kernel: KernelVersion(6, 12, 118)) }
            let r = try ResolvedOptions.resolve(opts(given), defaults: .debian, kernel: KernelVersion(6, 18, 44))
            #expect(!r.metacopy && r.verity != .off, "\(given)")
        }
        var m = model([layer(["f": "x"])], options: ["metacopy=off", "verity=on"], kernel: "6.18.44")
        #expect(m.mount().options == ["uuid=on", "verity=on"])
    }

    @Test("R83: data-only layers need metacopy=on before 6.16; from 6.16 a lower metacopy file's absolute redirect reaches them with metacopy=off, also under nofollow")
    func dataOnlyWithoutMetacopy() {
        var meta = layer([:])
        meta.entries[path("f")] = Node(kind: .file(data: "\0\0\0\0"), xattrs: ["trusted.overlay.metacopy": "", "trusted.overlay.redirect": "/blob"])
        meta.entries[path("g")] = Node(kind: .file(data: "\0\0\0\0"), xattrs: ["trusted.overlay.metacopy": ""])
        let lowers = [meta, layer(["blob": "data"])]
        var old = model(lowers, data: 1, kernel: "6.12.118")
        #expect(old.mount().errno == .EINVAL)
        for options in [[], ["redirect_dir=nofollow"]] {
            var new = model(lowers, data: 1, options: options, kernel: "6.18.44")
            #expect(new.mount().errno == nil)
            #expect(new.apply(.read(path("f"))) == .ok(.text("data")), "\(options)")
            #expect(new.apply(.stat(path("g"))) == .failed(.EPERM), "no data-only redirect: refused after the last layer")
        }
    }

    @Test("R51/R81: a refused redirect or metacopy file is EPERM before the next layer from 6.16: a nofollow redirect to nothing, an upper metacopy file with nothing below")
    func consistentRejection() {
        var upper = Layer()
        upper.entries[path("b")] = Node(kind: .dir, xattrs: ["trusted.overlay.redirect": "zz"])
        upper.entries[path("z/a")] = Node(kind: .file(data: "\0\0\0"), xattrs: ["trusted.overlay.metacopy": ""])
        upper.addMissingParents()
        let lower = layer(["b/f": "hidden", "z/b": "b"])
        for (kernel, redirectOutcome, metacopyOutcome) in [("6.12.118", ModelErrno.ENOENT, ModelErrno.EIO), ("6.18.44", .EPERM, .EPERM)] {
            for (options, name, expected) in [(["redirect_dir=nofollow"], "b/f", redirectOutcome), (["metacopy=off"], "z/a", metacopyOutcome)] {
                let opts = options.map { o in MountOption(key: String(o.split(separator: "=")[0]), value: String(o.split(separator: "=")[1])) }
                var m = OverlayModel(scenario: Scenario(lowers: [lower], upper: upper, options: opts, steps: [], dataLayerCount: 0),
                                     environment: Environment(defaults: .debian, samefs: true, kernel: KernelVersion(release: kernel)))
                _ = m.mount()
                #expect(m.apply(.stat(path(name))) == .failed(expected), "kernel \(kernel): \(name)")
            }
        }
    }

    @Test("R79: setxattr of an empty security.capability is EINVAL on 6.18.44, with nothing copied up")
    func emptyCapabilityRefused() {
        var m = model([layer(["f": "data"])], options: ["metacopy=on"], kernel: "6.18.44")
        _ = m.mount()
        #expect(m.apply(.setxattr(path("f"), name: "security.capability", value: "")) == .failed(.EINVAL))
        #expect(m.upper?[path("f")] == nil)
    }

    @Test("R18: uuid=off with layers on several filesystems falls back to uuid=null before 7.0 (unconfirmed entry) and stays off from 7.0")
    func uuidOffAnyFS() {
        for (kernel, shown) in [("6.18.44", "uuid=null"), ("7.0", "uuid=off")] {
            var m = OverlayModel(scenario: Scenario(lowers: [layer(["f": "x"])], upper: Layer(), options: [MountOption(key: "uuid", value: "off")],
                                                    steps: [], dataLayerCount: 0),
                                 environment: Environment(defaults: .debian, samefs: false, kernel: KernelVersion(release: kernel)))
            #expect(m.mount().options?.contains(shown) == true, "kernel \(kernel)")
        }
    }

    // MARK: the 6.1 line (Debian 6.1.192)

    @Test("R11/R15: before 6.5 mountinfo shows redirect_dir= as given (follow shows, a redirect metacopy turned on does not) and conflicts name the string")
    func legacyRedirectString() {
        for (options, old, new) in [(["redirect_dir=follow"], ["redirect_dir=follow"], ["uuid=on"]),
                                    (["metacopy=on"], ["metacopy=on"], ["redirect_dir=on", "uuid=on", "metacopy=on"]),
                                    (["userxattr"], ["userxattr"], ["redirect_dir=nofollow", "uuid=on", "userxattr"])] {
            var m61 = model([layer(["f": "x"])], options: options, kernel: "6.1.192")
            #expect(m61.mount().options == old, "6.1: \(options)")
            var m612 = model([layer(["f": "x"])], options: options, kernel: "6.12.118")
            #expect(m612.mount().options == new, "6.12: \(options)")
        }
        var conflict = model([layer(["f": "x"])], options: ["metacopy=on", "redirect_dir=off"], kernel: "6.1.192")
        #expect(conflict.mount().kernelLog == ["overlayfs: conflicting options: metacopy=on,redirect_dir=off"])
    }

    @Test("R82/R18: before 6.6 verity= and uuid=null/auto are unknown options: EINVAL at the first of them")
    func legacyUnknownOptions() {
        for option in ["verity=off", "uuid=null", "uuid=auto"] {
            var m = model([layer(["f": "x"])], options: ["index=on", option, "bogus"], kernel: "6.1.192")
            let refused = m.mount()
            #expect(refused.errno == .EINVAL)
            #expect(refused.kernelLog == ["overlayfs: unrecognized mount option \"\(option)\" or missing value"])
        }
    }

    @Test("R18: before 6.6 no X.uuid is written and only uuid=off shows; uuid=off without an upper falls back to on")
    func legacyUUID() {
        var m = model([layer(["f": "x"])], kernel: "6.1.192")
        #expect(m.mount().options == [])
        #expect(m.upper?.root.xattrs["trusted.overlay.uuid"] == nil)
        var off = model([layer(["f": "x"])], options: ["uuid=off"], kernel: "6.1.192")
        #expect(off.mount().options == ["uuid=off"])
        var lowerOnly = OverlayModel(scenario: Scenario(lowers: [layer(["f": "x"]), layer(["g": "y"])], upper: nil,
                                                        options: [MountOption(key: "uuid", value: "off")], steps: []),
                                     environment: Environment(defaults: .debian, samefs: true, kernel: KernelVersion(6, 1, 192)))
        let shown = lowerOnly.mount()
        #expect(shown.options == [])
        #expect(shown.kernelLog.contains("overlayfs: The uuid=off requires a single fs for lower and upper, falling back to uuid=on."))
    }

    @Test("R20: before 6.5 a MS_REMOUNT string's ro is not parsed (the overlay stays writable) and a reconfigure takes every key")
    func legacyRemount() {
        for (kernel, lines, write) in [("6.1.192", ["index=on: 0", "reconfigure: 0"], Outcome.ok(.none)),
                                       ("6.12.118", ["index=on: EINVAL", "uuid=on"], .failed(.EROFS))] {
            var m = model([layer(["f": "x"])], kernel: kernel)
            _ = m.mount()
            #expect(m.apply(.reconfigure(params: ["index=on"])) == .ok(.names(lines)), "kernel \(kernel)")
            _ = m.apply(.remountInPlace(options: "ro"))
            #expect(m.apply(.write(path("f"), data: "y")) == write, "kernel \(kernel)")
        }
    }

    @Test("R91: before 6.7 a private xattr name through the overlay is EOPNOTSUPP, nothing is copied up, and X.overlay.* stays hidden")
    func legacyPrivateXattrs() {
        var l = layer(["f": "x"])
        l.entries[path("f")]?.xattrs = ["trusted.overlay.overlay.n": "1", "user.a": "2"]
        for (kernel, get, names) in [("6.1.192", Outcome.failed(.EOPNOTSUPP), ["user.a"]),
                                     ("6.12.118", .ok(.text("1")), ["trusted.overlay.n", "user.a"])] {
            var m = model([l], kernel: kernel)
            _ = m.mount()
            #expect(m.apply(.listxattr(path("f"))) == .ok(.names(names)), "kernel \(kernel)")
            #expect(m.apply(.getxattr(path("f"), name: "trusted.overlay.n")) == get, "kernel \(kernel)")
            _ = m.apply(.setxattr(path("f"), name: "trusted.overlay.m", value: "v"))
            #expect((m.upper?[path("f")] != nil) == (kernel != "6.1.192"), "kernel \(kernel)")
        }
    }

    @Test("R30/R81: before 6.6/6.7 an X.whiteout file is an ordinary file and a 2-byte X.metacopy is a metacopy file")
    func legacyWhiteoutAndMetacopy() {
        var lower = layer(["w": "", "m": "lower m"])
        lower.entries[path("w")]?.xattrs = ["trusted.overlay.whiteout": "y"]
        var upper = Layer()
        upper.entries[path("m")] = Node(kind: .file(data: "\0\0\0\0\0\0\0"))
        upper.entries[path("m")]?.xattrs = ["trusted.overlay.metacopy": "ab"]
        for (kernel, old) in [("6.1.192", true), ("6.12.118", false)] {
            var m = OverlayModel(scenario: Scenario(lowers: [lower], upper: upper, options: [MountOption(key: "metacopy", value: "on")], steps: []),
                                 environment: Environment(defaults: .debian, samefs: true, kernel: KernelVersion(release: kernel)))
            _ = m.mount()
            #expect((m.apply(.stat(path("w"))) != .failed(.ENOENT)) == old, "kernel \(kernel)")
            #expect(m.apply(.read(path("m"))) == (old ? .ok(.text("lower m")) : .failed(.EIO)), "kernel \(kernel)")
        }
    }

    @Test("R66: before 6.5 name_to_handle_at refuses AT_HANDLE_FID (EINVAL), and opening that label asks with an empty handle (EINVAL)")
    func legacyHandleFid() {
        var m = model([layer(["f": "x"])], kernel: "6.1.192")
        _ = m.mount()
        #expect(m.apply(.nameToHandle(path("f"), label: "h", fid: true)) == .failed(.EINVAL))
        #expect(m.apply(.openByHandle(label: "h")) == .failed(.EINVAL))
        #expect(m.apply(.openByHandle(label: "never")) == .failed(.EBADF))
    }
}
