import OvlModel
import Yams

/// The steps of a case, read from `steps:` or from the stages of `stages:`, each located; steps
/// are numbered across stages (`same_inode_as: N` and the reports count them so).
struct StepList {
    var steps: [OvlModel.Operation] = []
    var locations: [SourceLocation] = []
    var inodeChecks: [InodeCheck] = []
    /// The first stage's own options, when it gives them.
    var initialOptions: [MountOption]?

    /// Appends the steps of sequence `node`; `lowerCount` is how many lower layers the mount they
    /// run on has (a staged case's former uppers included), for `offline_lower`.
    mutating func append(_ node: YNode, lowerCount: Int, reader: NodeReader) throws(CaseError) {
        let parser = StepParser(reader: reader)
        for item in try reader.sequence(node) {
            let step = try parser.parseStep(item)
            if case .openByHandle(let label) = step, !steps.contains(where: {
                if case .nameToHandle(_, label, _) = $0 { true } else { false }
            }) {
                throw reader.error("no earlier name_to_handle_at step took a handle labelled '\(label)'", at: item)
            }
            if case .offlineLower(let layer, _, _) = step, layer >= lowerCount {
                throw reader.error("offline_lower names lower layer \(layer); the case has \(lowerCount)\(steps.isEmpty ? "" : " here")", at: item)
            }
            steps.append(step)
            locations.append(reader.location(of: item))
            if let check = try parser.inodeCheck(item, index: steps.count - 1, steps: steps) { inodeChecks.append(check) }
        }
    }

    /// `stages:`, a list of at least two stages, each `{options: [...], steps: [...]}` (both
    /// optional): the first mounts the case's layers, each later one a fresh upper over the
    /// previous stage's upper and the lowers before (``OvlModel/Operation/nextStage(options:)``).
    /// A stage without `options` mounts with the case's `options:` (and its matrix combination).
    /// - Parameter layers: the case's layers: a staged case needs an upper, no layer inside
    ///   another, no `layer_fs:` and no `fsck:` (their layers do not shift with the stages).
    static func stages(_ node: YNode, lowerCount: Int, refusal: String?, reader: NodeReader) throws(CaseError) -> StepList {
        if let refusal { throw reader.error("a staged case \(refusal)", at: node) }
        let items = try reader.sequence(node)
        guard items.count >= 2 else {
            throw reader.error("'stages' needs at least two stages (each {options: [...], steps: [...]}); found \(items.count)", at: node)
        }
        var list = StepList()
        for (n, item) in items.enumerated() {
            let fields = try reader.fields(item, allowed: ["options", "steps"])
            var options: [MountOption]?
            if let optionsNode = fields["options"] {
                var given: [MountOption] = []
                for o in try reader.sequence(optionsNode) { given.append(try CaseParser.parseOption(o, reader: reader)) }
                options = given
            }
            if n == 0 {
                list.initialOptions = options
            } else {
                list.steps.append(.nextStage(options: options))
                list.locations.append(reader.location(of: item))
            }
            if let stepsNode = fields["steps"], !reader.isNull(stepsNode) {
                try list.append(stepsNode, lowerCount: lowerCount + n, reader: reader)
            }
        }
        return list
    }
}
