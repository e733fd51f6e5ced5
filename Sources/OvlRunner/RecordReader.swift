import Foundation
import OvlModel

/// Reads the guest's JSON-lines records as they are appended (a partial last line waits).
struct RecordReader {
    let path: String
    var offset = 0

    mutating func readNew() -> [GuestRecord] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        try? h.seek(toOffset: UInt64(offset))
        let data = h.readDataToEndOfFile()
        guard let lastNewline = data.lastIndex(of: 0x0a) else { return [] }
        let complete = data[data.startIndex...lastNewline]
        offset += complete.count
        let decoder = JSONDecoder()
        return complete.split(separator: 0x0a).compactMap { try? decoder.decode(GuestRecord.self, from: Data($0)) }
    }
}
