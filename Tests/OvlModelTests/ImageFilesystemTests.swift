@testable import OvlModel
import Testing

/// Lowers on read-only image filesystems (`layer_fs: {lower: erofs}`): every packed layer is a
/// superblock of its own, and squashfs without xattrs refuses listings.
@Suite struct ImageFilesystemTests {
    private func model(_ lowers: [Layer], lower: String) -> OverlayModel {
        LayerFixture.mounted(lowers, fs: FSConfig(lower: lower, upper: "ext4"))
    }

    private func layer(_ entries: [String: Node]) -> Layer { LayerFixture.layer(entries) }

    @Test func eachImageIsItsOwnFilesystem() {
        let two = [layer(["a": Node(kind: .file(data: "x"))]), layer(["b": Node(kind: .file(data: "y"))])]
        #expect(model(two, lower: "erofs").layerFsids.fsid == [1, 2])
        #expect(model(two, lower: "squashfs").layerFsids.numfs == 3)
        // Two lowers on one writable or remounted filesystem share it.
        #expect(model(two, lower: "ext4-ro").layerFsids.fsid == [1, 1])
        #expect(model(two, lower: "xfs").layerFsids.fsid == [1, 1])
    }

    @Test func squashfsWithoutXattrsRefusesListingsOfDirsSymlinksAndLinkedFiles() {
        var l = layer(["d/f": Node(kind: .file(data: "x")), "d/s": Node(kind: .symlink(target: "f")),
                       "d/h1": Node(kind: .file(data: "h"), inode: 1), "d/h2": Node(kind: .file(data: "h"), inode: 1)])
        var m = model([l], lower: "squashfs")
        #expect(m.listxattr(RelPath(parsing: "d")!) == .failed(.EOPNOTSUPP))
        #expect(m.listxattr(RelPath(parsing: "d/s")!) == .failed(.EOPNOTSUPP))
        #expect(m.listxattr(RelPath(parsing: "d/h1")!) == .failed(.EOPNOTSUPP))
        #expect(m.listxattr(RelPath(parsing: "d/f")!) == .ok(.names([])))
        // One xattr anywhere in the image gives it a table: every listing works.
        l.entries[RelPath(parsing: "d/f")!]?.xattrs = ["user.k": "v"]
        m = model([l], lower: "squashfs")
        #expect(m.listxattr(RelPath(parsing: "d")!) == .ok(.names([])))
        // erofs lists an image without xattrs as empty.
        m = model([layer(["d/f": Node(kind: .file(data: "x"))])], lower: "erofs")
        #expect(m.listxattr(RelPath(parsing: "d")!) == .ok(.names([])))
    }
}
