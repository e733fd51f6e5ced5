import OvlSys
import Testing

@Suite struct XattrValueTests {
    /// `Xattr.parse` undoes `Xattr.render`: binary values written as `0x…` become their bytes,
    /// text (even text that looks like hex) stays text.
    @Test func parseInvertsRender() {
        for bytes: [UInt8] in [[0, 5, 0, 0, 0], [0x00, 0xfb, 0x10], Array("plain".utf8), [], Array("0x41".utf8)] {
            #expect(Xattr.parse(Xattr.render(bytes)) == bytes)
        }
        #expect(Xattr.parse("0x0005000000") == [0, 5, 0, 0, 0])
        #expect(Xattr.parse("0x41") == Array("0x41".utf8))
        #expect(Xattr.parse("0xzz") == Array("0xzz".utf8))
    }
}
