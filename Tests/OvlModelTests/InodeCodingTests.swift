import Foundation
import Testing
import OvlModel

@Suite("Inode numbers and devices in the guest's records")
struct InodeCodingTests {
    @Test("an observed st_ino or st_dev is a bare JSON number")
    func observedNumbers() throws {
        let data = try JSONEncoder().encode([InoValue.number(118)])
        #expect(String(decoding: data, as: UTF8.self) == "[118]")
        #expect(try JSONDecoder().decode([InoValue].self, from: data) == [.number(118)])
        let dev = try JSONEncoder().encode([DevValue.number(65024)])
        #expect(String(decoding: dev, as: UTF8.self) == "[65024]")
        #expect(try JSONDecoder().decode([DevValue].self, from: dev) == [.number(65024)])
    }

    @Test("the model's symbols survive a round trip")
    func symbols() throws {
        let inos: [InoValue] = [.real(.lower(layer: 1, path: try #require(RelPath(parsing: "d/f"))), fsid: 2, xinoBits: 2), .counter(2),
                                .volatile(key: "d", generation: 1), .real(.upper(serial: 3), fsid: 0, xinoBits: 0)]
        #expect(try JSONDecoder().decode([InoValue].self, from: JSONEncoder().encode(inos)) == inos)
        let devs: [DevValue] = [.overlay(generation: 1), .pseudo(fsid: 2, generation: 0), .number(7)]
        #expect(try JSONDecoder().decode([DevValue].self, from: JSONEncoder().encode(devs)) == devs)
    }
}
