import ArgumentParser
import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import OvlRunner

/// `ovl-conform list`: the cases, their groups and rules, and the rules no case cites yet.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List cases with their groups and rules, and uncited rules.")

    @Argument(help: "Case files or folders (default: cases/).")
    var paths: [String] = []

    @Option(help: "The semantics document whose rules (**Rn.**) are listed as cited or not.")
    var semantics: String = "../shared/docs/overlayfs-semantics.md"

    @Option(help: "Say for each case how it runs on this kernel version (e.g. 6.1.192, 6.18.44): as on the reference, predicted differently (by which version entries), its mount refused, or skipped where the kernel lacks a feature.")
    var kernelVersion: String?

    @Flag(help: "Print the version table (every KernelChange, as README's \"Kernel lines\" shows it) and exit.")
    var versions = false

    @Flag(help: "Print the step table (every step's name, arguments, syscall and lookup flags, as README's case format shows it) and exit.")
    var steps = false

    func validate() throws {
        if let kernelVersion, KernelVersion(release: kernelVersion) == nil {
            throw ValidationError("bad --kernel-version '\(kernelVersion)'; expected MAJOR.MINOR[.PATCH]")
        }
    }

    func run() throws {
        if versions { return print(VersionTable.markdown()) }
        if steps { return print(StepKind.markdown()) }
        let cases = try loadCases(paths)
        if let v = kernelVersion.flatMap(KernelVersion.init(release:)) { return byVersion(cases, v) }
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

    /// One line per case: how it runs on `kernel` compared with ``KernelVersion/reference`` (in the
    /// ext4 configuration), then the counts.
    func byVersion(_ cases: [Case], _ kernel: KernelVersion) {
        let reference = KernelVersion.reference
        var counts: [String: Int] = [:]
        for c in cases {
            let config = c.scenario.layerFS?.applied(to: FSConfig.matrix[0]) ?? FSConfig.matrix[0]
            let env = Environment(defaults: .debian, samefs: config.samefs, fs: config, kernel: kernel)
            let p = ScenarioPrediction(c.scenario.asMounted, env)
            var parts: [String] = []
            let kind: String
            if let errno = p.mount.errno {
                kind = "mount refused"
                parts.append("\(errno) \(p.mount.kernelLog.joined(separator: " "))")
            } else {
                kind = "runs"
            }
            let deciding = ScenarioPrediction.deciding(c.scenario.asMounted, env, against: reference)
            if !deciding.isEmpty {
                parts.append("predicted unlike \(reference) by: " + deciding.map { "\($0.name) (\($0.rules.joined(separator: ",")))" }.joined(separator: "; "))
            }
            let skips = Self.skipsWhere(c.scenario)
            if !skips.isEmpty { parts.append("skips where " + skips.joined(separator: " or ")) }
            counts[kind, default: 0] += 1
            if !deciding.isEmpty { counts["predicted unlike \(reference)", default: 0] += 1 }
            if !skips.isEmpty { counts["may skip", default: 0] += 1 }
            print("\(c.id)  \(kind)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; ")))
        }
        print("on \(kernel): " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    }

    /// What the kernel may lack for the case's layers, which a run probes (the job is then a skip
    /// with the reason, ``GuestRecord/unsupported(job:reason:)``).
    static func skipsWhere(_ s: Scenario) -> [String] {
        let layers = s.lowers + [s.upper].compactMap { $0 }
        var why: [String] = []
        if layers.contains(where: { !$0.verity.isEmpty }) { why.append("the kernel has no fs-verity") }
        if layers.contains(where: { $0.holdsEmpty("security.capability") }) { why.append("the kernel refuses an empty security.capability") }
        return why
    }
}
