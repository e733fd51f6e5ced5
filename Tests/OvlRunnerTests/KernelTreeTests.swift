import Foundation
import OvlVM
import Testing

/// A scratch folder shaped like a built kernel tree.
private struct FakeTree {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ovl-tree-\(UUID().uuidString)").path

    func put(_ relative: String, _ text: String = "") throws {
        let url = URL(fileURLWithPath: root + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A configured and built tree with overlay set to `overlay` (`y`, `m`, or nil for unset).
    func built(overlay: String?) throws {
        try put(".config", "CONFIG_MODULES=y\n" + (overlay.map { "CONFIG_OVERLAY_FS=\($0)\n" } ?? "# CONFIG_OVERLAY_FS is not set\n"))
        try put("arch/x86/boot/bzImage", "kernel")
        try put("include/config/kernel.release", "6.12.9-dirty\n")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

@Suite("--kernel-tree: finding a built tree's kernel and overlay")
struct KernelTreeTests {
    @Test("overlay built in: bzImage, release and no module to load")
    func builtIn() throws {
        let t = FakeTree()
        defer { t.remove() }
        try t.built(overlay: "y")
        let tree = try KernelTree.locate(t.root + "/")
        #expect(tree.bzImage == t.root + "/arch/x86/boot/bzImage")
        #expect(tree.release == "6.12.9-dirty")
        #expect(tree.overlay == .builtIn)
        #expect(tree.moduleFile == nil)
        #expect(tree.hasModules)
    }

    @Test("overlay as a module: fs/overlayfs/overlay.ko is the module under test, and must be built")
    func module() throws {
        let t = FakeTree()
        defer { t.remove() }
        try t.built(overlay: "m")
        #expect(throws: HarnessError.self) { try KernelTree.locate(t.root) }
        try t.put("fs/overlayfs/overlay.ko", "elf")
        #expect(try KernelTree.locate(t.root).moduleFile == t.root + "/fs/overlayfs/overlay.ko")
    }

    @Test("an unbuilt, unconfigured or overlay-less tree is refused with what to do", arguments: ["config", "bzImage", "release", "overlay"])
    func refused(missing: String) throws {
        let t = FakeTree()
        defer { t.remove() }
        try t.built(overlay: missing == "overlay" ? nil : "y")
        let fm = FileManager.default
        switch missing {
        case "config": try fm.removeItem(atPath: t.root + "/.config")
        case "bzImage": try fm.removeItem(atPath: t.root + "/arch/x86/boot/bzImage")
        case "release": try fm.removeItem(atPath: t.root + "/include/config/kernel.release")
        default: break
        }
        let error = try #require(throws: HarnessError.self) { try KernelTree.locate(t.root) }
        #expect(error.kind == .setup)
        let hint = ["config": "no .config", "bzImage": "build the tree first", "release": "kernel.release",
                    "overlay": "CONFIG_OVERLAY_FS"][missing] ?? ""
        #expect(error.message.contains(hint))
    }
}
