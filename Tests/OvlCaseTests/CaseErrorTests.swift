import Foundation
import OvlModel
import Testing
@testable import OvlCase

private let head = "description: d\nrules: [R1]\n"
private let lower = "layers:\n  lower:\n    - a: x\n"

@Suite struct CaseErrorTests {
    @Test func unknownTopLevelKey() {
        #expect(render(head + lower + "stpes: []\n") == """
        c.yaml:6:1: error: unknown key 'stpes'; expected one of: description, fsck, groups, layer_fs, layers, matrix, mount, options, rules, stages, steps
        stpes: []
        ^
        """)
    }

    @Test func layerFSKey() throws {
        let c = try CaseParser.parse(yaml: head + "layer_fs: {upper: ramfs}\n" + lower, file: "c.yaml")
        #expect(c.scenario.layerFS == LayerFSOverride(upper: "ramfs"))
        #expect(render(head + "layer_fs: {upper: tmpfs}\n" + lower) == """
        c.yaml:3:19: error: unknown filesystem 'tmpfs' for the upper layer; expected one of: ramfs, ext4-nodtype, ext4-ro, xfs-ro, erofs, squashfs, overlay, overlay-xfs
        layer_fs: {upper: tmpfs}
                          ^
        """)
        #expect(render(head + "layer_fs: {lower: ramfs, work: ramfs}\n" + lower).contains("unknown key 'work'"))
        #expect(render(head + "layer_fs: {}\n" + lower).contains("layer_fs needs 'lower', 'lowers' or 'upper'"))
        #expect(render(head + "layer_fs: {upper: ramfs}\n" + lower + "  upper: none\n")
            .contains("layer_fs gives an upper filesystem, but the case has no upper"))
        #expect(render(head + "layer_fs: {upper: erofs}\n" + lower) == """
        c.yaml:3:19: error: erofs is read-only while the overlay is mounted: it holds lower layers only
        layer_fs: {upper: erofs}
                          ^
        """)
        let ro = try CaseParser.parse(yaml: head + "layer_fs: {lower: squashfs}\n" + lower, file: "c.yaml")
        #expect(ro.scenario.layerFS == LayerFSOverride(lower: "squashfs"))
        let nested = try CaseParser.parse(yaml: head + "layer_fs: {lower: overlay}\n" + lower, file: "c.yaml")
        #expect(nested.scenario.layerFS == LayerFSOverride(lower: "overlay"))
        #expect(render(head + "layer_fs: {upper: overlay}\n" + lower)
            .contains("overlay is read-only while the overlay is mounted: it holds lower layers only"))
    }

    @Test func layerFSLowersKey() throws {
        let two = "layers:\n  lower:\n    - a: x\n    - b: y\n"
        let c = try CaseParser.parse(yaml: head + "layer_fs: {lowers: [ext4, ext4-twin]}\n" + two, file: "c.yaml")
        #expect(c.scenario.layerFS == LayerFSOverride(lowers: ["ext4", "ext4-twin"]))
        #expect(render(head + "layer_fs: {lowers: [ext4, ramfs]}\n" + two) == """
        c.yaml:3:27: error: unknown filesystem 'ramfs' for a lower layer in 'lowers'; expected one of: ext4, xfs, ext4-twin, ext4-nodtype, ext4-ro, xfs-ro, erofs, squashfs, overlay, overlay-xfs
        layer_fs: {lowers: [ext4, ramfs]}
                                  ^
        """)
        #expect(render(head + "layer_fs: {lowers: [ext4-twin]}\n" + two)
            .contains("layer_fs 'lowers' names 1 filesystem(s), but the case has 2 lower layer(s); give one per layer"))
        #expect(render(head + "layer_fs: {lower: ramfs, lowers: [ext4, xfs]}\n" + two)
            .contains("layer_fs gives both 'lower' (every lower layer) and 'lowers' (each one); give one"))
        // The model asks each layer's fs about handles: an overlay may sit among other lowers.
        let mixed = try CaseParser.parse(yaml: head + "layer_fs: {lowers: [ext4, overlay-xfs]}\n" + two, file: "c.yaml")
        #expect(mixed.scenario.layerFS == LayerFSOverride(lowers: ["ext4", "overlay-xfs"]))
        #expect(render(head + "layer_fs: {lowers: [ext4, ext4-twin]}\nlayers:\n  lower:\n    - a/b: x\n    - \"@0/a\"\n")
            .contains("lower layer 1 is inside layer 0 (\"@0/…\"), so it is on ext4, not ext4-twin"))
    }

    @Test func fsckKey() throws {
        let c = try CaseParser.parse(yaml: head + lower + "fsck: {expect: [R33, R46], fix: true}\n", file: "c.yaml")
        #expect(c.scenario.fsck == FsckCheck(expect: ["R33", "R46"], fix: true))
        #expect(render(head + lower + "fsck: {expect: [R1]}\n") == """
        c.yaml:6:17: error: fsck checks no rule 'R1'; expected one of: R33, R50, R49, R48, R46, R45, R62, R81
        fsck: {expect: [R1]}
                        ^
        """)
        #expect(render(head + lower + "fsck: {expect: [R33]}\nsteps:\n  - stat: a\n").contains(
            "error: a case whose layers fsck does not repair (fix: false) or that says mount: false is only checked, never mounted: it takes no steps"))
        // fix: p / y / true / false are fsck.overlay's -p, -y, -p, -n; expect: [] claims sound layers.
        #expect(try CaseParser.parse(yaml: head + lower + "fsck: {expect: [], fix: y}\n", file: "c.yaml").scenario.fsck?.policy == .yes)
        #expect(try CaseParser.parse(yaml: head + lower + "fsck: {expect: [], fix: p}\n", file: "c.yaml").scenario.fsck?.policy == .safe)
        #expect(try CaseParser.parse(yaml: head + lower + "fsck: {expect: [], fix: false}\n", file: "c.yaml").scenario.fsck?.policy == FixPolicy.none)
        #expect(render(head + lower + "fsck: {expect: [], fix: p, mount: false}\nsteps:\n  - stat: a\n").contains("or that says mount: false"))
        // -p leaves a duplicated redirect: only checked, so no steps.
        let dup = "layers:\n  lower:\n    - a: {type: dir}\n  upper:\n    a: {type: dir}\n    b: {type: dir, xattrs: {trusted.overlay.redirect: a}}\n"
        #expect(render(head + dup + "fsck: {expect: [R46, R49], fix: p}\nsteps:\n  - stat: a\n").contains(
            "error: fsck -p leaves damage on these layers (fsck.overlay's exit 4), so the case is only checked, never mounted: it takes no steps"))
        #expect(try CaseParser.parse(yaml: head + dup + "fsck: {expect: [R46, R49], fix: p}\n", file: "c.yaml").scenario.checksOnly)
        #expect(try !CaseParser.parse(yaml: head + dup + "fsck: {expect: [R46, R49], fix: y}\n", file: "c.yaml").scenario.checksOnly)
        let workdir = "layers:\n  lower:\n    - a: x\n  workdir:\n    index/zz: x\n"
        #expect(render(head + workdir).contains("error: layers.workdir: workdir entry index/zz: only '#' leftovers in index/ are predicted (R14)"))
        let deep = "layers:\n  lower:\n    - a: x\n  workdir:\n    work/d/e/f: x\n"
        #expect(render(head + deep).contains("error: layers.workdir: workdir entry work/d/e/f: ovl_workdir_cleanup removes work/ entries at most 3 components deep (R8)"))
        let leftovers = "layers:\n  lower:\n    - a: x\n  workdir:\n    work/d/f: x\n    index/#1/g: x\n"
        let mounted = try CaseParser.parse(yaml: head + leftovers, file: "c.yaml")
        #expect(mounted.scenario.unpredictableWorkdir == nil)
        let checked = try CaseParser.parse(yaml: head + workdir + "fsck: {expect: [R62]}\n", file: "c.yaml")
        #expect(checked.scenario.workdir?[RelPath(parsing: "index/zz")!] != nil)
    }

    @Test func unknownStep() {
        #expect(render(head + lower + "steps:\n  - renam: {old: a, new: b}\n") == """
        c.yaml:7:5: error: unknown step 'renam'; expected one of: append, chattr, chmod, chown, close, create, drop_caches, exec, fd_fchmod, fd_fstat, fd_fsync, fd_lseek, fd_mmap_read, fd_pread, fd_read, fd_readdir, fd_write, fiemap_shared, fsconfig_layers, fsconfig_reconfigure, getxattr, link, listxattr, lstat, mkdir, mknod, mount_again, mount_remount, mount_stacked, mount_without_workdir, name_to_handle_at, offline_lower, open, open_by_handle_at, open_rdwr, open_tmpfile, parallel, proc_locks, read, readdir, readlink, remount, removexattr, rename, rmdir, setxattr, stat, statfs, symlink, truncate, unlink, utimes, write
          - renam: {old: a, new: b}
            ^
        """)
    }

    @Test func missingStepArgument() {
        #expect(render(head + lower + "steps:\n  - write: {path: a}\n") == """
        c.yaml:7:12: error: step 'write' needs 'data'
          - write: {path: a}
                   ^
        """)
        #expect(render(head + lower + "steps:\n  - stat\n") == """
        c.yaml:7:5: error: step 'stat' needs 'path'
          - stat
            ^
        """)
    }

    @Test func unknownStepArgument() {
        #expect(render(head + lower + "steps:\n  - write: {path: a, dat: x}\n") == """
        c.yaml:7:22: error: unknown key 'dat'; expected one of: data, path
          - write: {path: a, dat: x}
                             ^
        """)
    }

    @Test func duplicateKey() {
        #expect(render(head + lower + "description: again\n") == """
        c.yaml:6:1: error: duplicate key 'description' (first at 1:1)
        description: again
        ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - {a: x, a: y}\n") == """
        c.yaml:5:14: error: duplicate key 'a' (first at 5:8)
            - {a: x, a: y}
                     ^
        """)
    }

    @Test func badYAMLSyntax() {
        #expect(render(head + "layers: [a\n") == """
        c.yaml:4:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 3:9)
        """)
        #expect(render("description: \"unterminated\nrules: [R1]\n") == """
        c.yaml:3:1: error: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at 1:14)
        """)
        #expect(render("a: b: c\n") == """
        c.yaml:1:5: error: invalid YAML: mapping values are not allowed in this context
        a: b: c
            ^
        """)
    }

    @Test func pathWithDotDot() {
        #expect(render(head + "layers:\n  lower:\n    - a/../b: x\n") == """
        c.yaml:5:7: error: path 'a/../b' leaves the case's layers (absolute, '..', '.' or empty component)
            - a/../b: x
              ^
        """)
    }

    @Test func absolutePath() {
        #expect(render(head + lower + "steps:\n  - stat: /etc/passwd\n") == """
        c.yaml:7:11: error: path '/etc/passwd' leaves the case's layers (absolute, '..', '.' or empty component)
          - stat: /etc/passwd
                  ^
        """)
    }

    @Test func badMode() {
        #expect(render(head + "layers:\n  lower:\n    - d: {type: dir, mode: 0789}\n") == """
        c.yaml:5:28: error: expected an octal mode like 0755, found '0789'
            - d: {type: dir, mode: 0789}
                                   ^
        """)
        #expect(render(head + lower + "steps:\n  - chmod: {path: a, mode: 017777}\n") == """
        c.yaml:7:28: error: mode '017777' is larger than 07777
          - chmod: {path: a, mode: 017777}
                                   ^
        """)
    }

    @Test func badOption() {
        #expect(render(head + "options: [index=maybe]\n" + lower) == """
        c.yaml:3:11: error: bad value 'maybe' for mount option 'index'; expected one of: on, off
        options: [index=maybe]
                  ^
        """)
        #expect(render(head + "options: [userxattr=on]\n" + lower) == """
        c.yaml:3:11: error: mount option 'userxattr' is a flag and takes no value
        options: [userxattr=on]
                  ^
        """)
        #expect(render(head + "options: [inde=on]\n" + lower) == """
        c.yaml:3:11: error: unknown mount option 'inde'; expected one of: index, metacopy, nfs_export, redirect_dir, userxattr, uuid, verity, volatile, xino
        options: [inde=on]
                  ^
        """)
    }

    @Test func wrongNodeKinds() {
        #expect(render(head + "layers: [a]\n") == """
        c.yaml:3:9: error: expected a mapping, found a sequence
        layers: [a]
                ^
        """)
        #expect(render(head + "layers:\n  lower: {a: x}\n") == """
        c.yaml:4:10: error: expected a sequence, found a mapping
          lower: {a: x}
                 ^
        """)
        #expect(render(head + lower + "steps:\n  - write: a\n") == """
        c.yaml:7:12: error: step 'write' takes a mapping with keys: data, path; found a scalar
          - write: a
                   ^
        """)
        #expect(render(head + lower + "steps:\n  - truncate: {path: a, size: abc}\n") == """
        c.yaml:7:31: error: expected an integer, found 'abc'
          - truncate: {path: a, size: abc}
                                      ^
        """)
    }

    @Test func entryProblems() {
        #expect(render(head + "layers:\n  lower:\n    - e: {}\n") == """
        c.yaml:5:10: error: an entry needs 'type' (one of: file, dir, symlink, whiteout, fifo, chardev, blockdev, hardlink) or 'data'; valid keys: data, gid, hole, host_file, major, minor, mode, mtime, opaque, target, type, uid, verity, xattrs
            - e: {}
                 ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - f: x\n      f/g: y\n") == """
        c.yaml:6:7: error: 'f/g' is inside 'f', which is a file, not a dir
              f/g: y
              ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - f: {type: file, target: x}\n") == """
        c.yaml:5:23: error: 'target' is only valid for type symlink, not file
            - f: {type: file, target: x}
                              ^
        """)
    }

    /// R82: fs-verity files only in lowers, with bytes the model can hash, on a filesystem that
    /// has fs-verity in every configuration.
    @Test func verityProblems() {
        #expect(render(head + "layers:\n  lower:\n    - f: {data: x, verity: true}\n") == """
        c.yaml:4:3: error: lower layer 0 has 'verity' files, which need fs-verity: give the case layer_fs: {lowers: […]} with ext4 or ext4-twin for that layer (the configuration's xfs has none)
          lower:
          ^
        """)
        #expect(render(head + "layer_fs: {lowers: [xfs]}\nlayers:\n  lower:\n    - f: {data: x, verity: true}\n") == """
        c.yaml:3:11: error: lower layer 0 has 'verity' files, which need fs-verity: give the case layer_fs: {lowers: […]} with ext4 or ext4-twin for that layer (xfs has none)
        layer_fs: {lowers: [xfs]}
                  ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - f: x\n  upper:\n    f: {data: x, verity: true}\n") == """
        c.yaml:7:5: error: 'f': 'verity' is only for files of lower and data layers, not the upper layer
            f: {data: x, verity: true}
            ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - f: {type: file, host_file: /bin/sh, verity: true}\n") == """
        c.yaml:5:23: error: 'verity' needs the file's bytes in the case: not with 'host_file' or a 'hole' over 1 MiB
            - f: {type: file, host_file: /bin/sh, verity: true}
                              ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - d: {type: dir, verity: true}\n") == """
        c.yaml:5:22: error: 'verity' is only valid for type file, not dir
            - d: {type: dir, verity: true}
                             ^
        """)
    }

    @Test func missingRequiredKey() {
        #expect(render("description: d\n" + lower) == """
        c.yaml:1:1: error: missing required key 'rules'
        description: d
        ^
        """)
    }

    @Test func emptyDocument() {
        #expect(render("") == "c.yaml:1:1: error: the case file is empty; expected a mapping with keys: description, fsck, groups, layer_fs, layers, matrix, mount, options, rules, stages, steps")
        #expect(render("# only a comment\n") == """
        c.yaml:1:1: error: the case file is empty; expected a mapping with keys: description, fsck, groups, layer_fs, layers, matrix, mount, options, rules, stages, steps
        # only a comment
        ^
        """)
    }

    @Test func documentIsAList() {
        #expect(render("- a\n- b\n") == """
        c.yaml:1:1: error: expected a mapping, found a sequence (a case is a mapping with keys: description, fsck, groups, layer_fs, layers, matrix, mount, options, rules, stages, steps)
        - a
        ^
        """)
    }

    @Test func badRule() {
        #expect(render("description: d\nrules: [R1, X2]\n" + lower) == """
        c.yaml:2:13: error: a rule is 'R' and a number, like R33; found 'X2'
        rules: [R1, X2]
                    ^
        """)
    }

    /// Mutated and truncated versions of a valid case only ever parse or throw a CaseError.
    @Test func fuzzNeverCrashes() {
        let base = CaseParserTests.full + "\n  - rename: {old: d/f, new: d/g, flags: [RENAME_NOREPLACE]}\n  - chown: {path: d/f, uid: 1, gid: 2}\n"
        let scalars = Array(base.unicodeScalars)
        let inserts: [String] = ["{", "}", "[", "]", ":", "-", " ", "\n", "\t", "..", "/", "&a", "*a", "!!int", "'", "\"", "~", "0x", "99999999999999999999", "é"]
        var generator = SplitMix(seed: 0x5eed)
        var parsed = 0, failed = 0
        // OVLCASE_FUZZ_ROUNDS raises the count for a longer local run.
        let rounds = max(240, Int(ProcessInfo.processInfo.environment["OVLCASE_FUZZ_ROUNDS"] ?? "") ?? 0)
        for round in 0..<rounds {
            var mutated = scalars
            if round < 40 {
                mutated = Array(scalars.prefix(scalars.count * round / 40))
            } else {
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    guard !mutated.isEmpty else { break }
                    let at = Int(generator.next() % UInt64(mutated.count))
                    switch generator.next() % 3 {
                    case 0: mutated.remove(at: at)
                    case 1: mutated.insert(contentsOf: inserts[Int(generator.next() % UInt64(inserts.count))].unicodeScalars, at: at)
                    default: mutated[at] = mutated[Int(generator.next() % UInt64(mutated.count))]
                    }
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: mutated)
            do {
                _ = try CaseParser.parse(yaml: String(text), file: "f.yaml")
                parsed += 1
            } catch {
                #expect(error.location.line >= 1 && error.location.column >= 1)
                #expect(error.description.hasPrefix("f.yaml:"))
                failed += 1
            }
        }
        #expect(parsed + failed == rounds)
        #expect(failed > 0)
    }
}

/// A small deterministic generator for the fuzz test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

@Suite struct InodeCaseErrorTests {
    @Test func hardlinkNeedsAFileOfTheLayer() {
        #expect(render(head + "layers:\n  lower:\n    - d/x: 1\n      l: {type: hardlink, target: d}\n") == """
        c.yaml:6:10: error: hardlink target 'd' must be a non-directory listed in this layer
              l: {type: hardlink, target: d}
                 ^
        """)
        #expect(render(head + "layers:\n  lower:\n    - a: 1\n      l: {type: hardlink, target: a, mode: 0600}\n") == """
        c.yaml:6:38: error: a hardlink takes only 'target' (it shares the target's inode and metadata)
              l: {type: hardlink, target: a, mode: 0600}
                                             ^
        """)
    }

    @Test func sameInodeNeedsAnEarlierStat() {
        #expect(render(head + lower + "steps:\n  - stat: {path: a, same_inode_as: 1}\n") == """
        c.yaml:7:36: error: 'same_inode_as' needs an earlier stat step; this is the first step
          - stat: {path: a, same_inode_as: 1}
                                           ^
        """)
        #expect(render(head + lower + "steps:\n  - read: a\n  - stat: {path: a, other_inode_than: 1}\n") == """
        c.yaml:8:39: error: 'other_inode_than' names step 1, which is a read, not a stat or lstat
          - stat: {path: a, other_inode_than: 1}
                                              ^
        """)
    }

    @Test func handleLabelMustBeTaken() {
        #expect(render(head + lower + "steps:\n  - open_by_handle_at: {label: h}\n") == """
        c.yaml:7:5: error: no earlier name_to_handle_at step took a handle labelled 'h'
          - open_by_handle_at: {label: h}
            ^
        """)
    }
}

@Suite struct FdStepErrorTests {
    let head = "description: d\nrules: [R72]\nlayers:\n  lower:\n    - f: x\n"

    func render(_ yaml: String) -> String {
        do {
            _ = try CaseParser.parse(yaml: yaml, file: "c.yaml")
            return "parsed"
        } catch { return error.description }
    }

    @Test func twoAccessModesRefused() {
        #expect(render(head + "steps:\n  - open: {path: f, flags: [O_RDONLY, O_RDWR], fd: A}\n").contains("one access mode"))
    }

    @Test func unknownWhenceListsValid() {
        #expect(render(head + "steps:\n  - fd_lseek: {fd: A, offset: 0, whence: SEEK_CUR}\n")
            .contains("unknown whence 'SEEK_CUR'; expected one of: SEEK_SET, SEEK_DATA, SEEK_HOLE, SEEK_END"))
    }

    @Test func mmapSizeBounded() {
        #expect(render(head + "steps:\n  - fd_mmap_read: {fd: A, size: 5000}\n") != "parsed")
    }
}

@Suite struct HoleEntryTests {
    @Test func holeIsBlockAligned() {
        let yaml = "description: d\nrules: [R75]\nlayers:\n  lower:\n    - s: {type: file, hole: 5000, data: x}\n"
        #expect(render(yaml).contains("'hole' must be a multiple of 4096"))
    }

    @Test func holePrefixesZeros() throws {
        let yaml = "description: d\nrules: [R75]\nlayers:\n  lower:\n    - s: {hole: 4096, data: x}\n"
        let parsed = try CaseParser.parse(yaml: yaml, file: "c.yaml")
        let node = parsed.scenario.lowers[0][RelPath(parsing: "s") ?? .root]
        #expect(node?.leadingHole == 4096)
        #expect(node?.kind == .file(data: String(repeating: "\u{0}", count: 4096) + "x"))
    }
}
