import Foundation
import OvlModel
import OvlProtocol

/// Reads the guest's JSON-lines records as they are appended (a partial last line waits).
struct RecordReader {
    let path: String
    var offset = 0
    /// Lines read so far.
    var lines = 0
    /// Complete lines that are no record: the run is a harness error naming the first.
    var undecodable: [(line: Int, text: String, error: String)] = []

    mutating func readNew() -> [GuestRecord] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        try? h.seek(toOffset: UInt64(offset))
        let data = h.readDataToEndOfFile()
        guard let lastNewline = data.lastIndex(of: 0x0a) else { return [] }
        let complete = data[data.startIndex...lastNewline]
        offset += complete.count
        let decoder = JSONDecoder()
        var records: [GuestRecord] = []
        for line in complete.split(separator: 0x0a, omittingEmptySubsequences: false).dropLast() {
            lines += 1
            do {
                records.append(try decoder.decode(GuestRecord.self, from: Data(line)))
            } catch {
                undecodable.append((lines, String(decoding: line, as: UTF8.self), "\(error)"))
            }
        }
        return records
    }
}
