import ArgumentParser
import Foundation
import OvlCase

/// `ovl-conform list`: the cases, their groups and rules, and the rules no case cites yet.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List cases with their groups and rules, and uncited rules.")

    @Argument(help: "Case files or folders (default: cases/).")
    var paths: [String] = []

    @Option(help: "The semantics document whose rules (**Rn.**) are listed as cited or not.")
    var semantics: String = "../shared/docs/overlayfs-semantics.md"

    func run() throws {
        let cases = try loadCases(paths)
        var cited = Set<String>()
        for c in cases {
            print("\(c.id)  [\(c.groups.joined(separator: ","))]  \(c.rules.joined(separator: ","))")
            cited.formUnion(c.rules)
        }
        guard let doc = try? String(contentsOfFile: semantics, encoding: .utf8) else { return }
        let all = doc.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("**R"), let dot = line.firstIndex(of: ".") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 2)..<dot])
        }
        let uncited = all.filter { !cited.contains($0) }
        print("rules cited: \(all.count - uncited.count)/\(all.count); not yet cited: \(uncited.joined(separator: " "))")
    }
}
