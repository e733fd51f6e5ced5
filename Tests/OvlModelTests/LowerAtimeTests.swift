import OvlModel
import Testing

@Suite("R75: the overlay never touches a lower object's atime")
struct LowerAtimeTests {
    @Test("a lower file or dir keeps the atime the layer builder gave it (its mtime), even after a read and a copy-up; undated objects and symlinks are not predicted")
    func lowerAtime() {
        var lower = Layer()
        lower.entries[path("d")] = Node(kind: .dir, mtime: 1_500_000_000)
        lower.entries[path("d/f")] = Node(kind: .file(data: "x"), mtime: 1_400_000_000)
        lower.entries[path("d/g")] = Node(kind: .file(data: "y"))
        lower.entries[path("d/h")] = Node(kind: .file(data: "z"), mtime: nil)
        lower.entries[path("d/l")] = Node(kind: .symlink(target: "f"), mtime: 1_400_000_000)
        var m = mounted([lower])
        _ = m.apply(.read(path("d/f")))
        _ = m.apply(.chmod(path("d/f"), mode: 0o600))
        let view = m.snapshot().lowers[0]
        #expect(view[path("d")]?.atime == 1_500_000_000)
        #expect(view[path("d/f")]?.atime == 1_400_000_000)
        #expect(view[path("d/g")]?.atime == Node.layerMtime)
        #expect(view[path("d/h")]?.atime == nil)
        #expect(view[path("d/l")]?.atime == nil)
        #expect(m.snapshot().upper?[path("d/f")]?.atime == nil)
    }
}
