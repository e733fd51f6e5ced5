/// The guest's whole kernel log as `vm/init` streams it to `<boot>/kmsg.log` (`cat /dev/kmsg`:
/// one `level,seq,usec,flags;text` record per line, continuation lines start with a space).
public enum KernelLogFile {
    /// The text of every record, without the kmsg prefix (continuation lines dropped).
    public static func messages(_ raw: String) -> [String] {
        raw.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix(" "), let semi = line.firstIndex(of: ";") else { return nil }
            return String(line[line.index(after: semi)...])
        }
    }

    /// The messages logged from job `index`'s begin marker (written by the guest agent) up to the
    /// next job's marker or the end.
    public static func slice(_ raw: String, job index: Int) -> [String] {
        let all = messages(raw)
        let marker = "ovl-conform: begin job \(index) "
        guard let start = all.firstIndex(where: { $0.hasPrefix(marker) }) else { return [] }
        let rest = all[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix("ovl-conform: begin job ") } ?? rest.endIndex
        return Array(all[start..<end])
    }

    /// Seconds each job took in the guest, from the kernel timestamps of consecutive job markers
    /// (a job's time runs to the next job's marker; the last job of a boot has none).
    public static func jobSeconds(_ raw: String) -> [Int: Double] {
        let prefix = "ovl-conform: begin job "
        var marks: [(job: Int, usec: Double)] = []
        for line in raw.split(separator: "\n") where !line.hasPrefix(" ") {
            guard let semi = line.firstIndex(of: ";") else { continue }
            let text = line[line.index(after: semi)...]
            guard text.hasPrefix(prefix), let job = Int(text.dropFirst(prefix.count).prefix { $0 != " " }) else { continue }
            let fields = line[..<semi].split(separator: ",")
            guard fields.count >= 3, let usec = Double(fields[2]) else { continue }
            marks.append((job, usec))
        }
        var seconds: [Int: Double] = [:]
        for (a, b) in zip(marks, marks.dropFirst()) { seconds[a.job] = (b.usec - a.usec) / 1_000_000 }
        return seconds
    }
}
