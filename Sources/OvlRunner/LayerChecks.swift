import OvlModel
import OvlProtocol

/// The layer checker (issue 9) run on the host, on the layers the guest dumped: the case's
/// `fsck:` check of its layers as given, and the check of the layers the kernel left behind
/// (its snapshot). The same checks as `fsck.overlay` (``OvlModel/LayerSet/findings(policy:)``).
enum LayerChecks {
    /// The checker's runs on what the guest recorded of `job`, by stage; a stage whose dumps are
    /// missing is absent (``FsckJudge`` reports it as not recorded).
    static func observe(_ job: Job, _ obs: Observations) -> [FsckStage: FsckObservation] {
        let scenario = job.scenario
        var out: [FsckStage: FsckObservation] = [:]
        if let check = scenario.fsck, let given = obs.layers[.given] {
            let run = given.layerSet(prefix: XattrPrefix(options: scenario.mountOptions), dataLayerCount: scenario.dataLayerCount).check(policy: check.policy)
            if job.fsckRepairs.isEmpty {
                out[.given] = FsckObservation(found: run.found, left: run.left)
            } else if let repaired = obs.layers[.repaired] {
                // What the repairs the guest made leave on disk.
                let left = repaired.layerSet(prefix: XattrPrefix(options: scenario.mountOptions), dataLayerCount: scenario.dataLayerCount)
                    .findings(policy: check.policy)
                out[.given] = FsckObservation(found: run.found, left: left)
            }
        }
        if scenario.checksOnly {
            // Nothing is mounted: what the check left is what the job leaves.
            if let given = out[.given] { out[.after] = FsckObservation(found: given.left, left: given.left) }
        } else if var snapshot = obs.snapshot {
            if let at = scenario.workInLower, snapshot.lowers.indices.contains(at.host) {
                snapshot.lowers[at.host] = spareWhiteoutsNamed(snapshot.lowers[at.host], in: at.path)
            }
            let left = DumpedLayers(snapshot: snapshot).layerSet(prefix: XattrPrefix(options: finalOptions(scenario)), dataLayerCount: scenario.dataLayerCount)
                .findings()
            out[.after] = FsckObservation(found: left, left: left)
        }
        return out
    }

    /// A lower's dump with the spare whiteouts (`#<hex>`, `dir.c:ovl_whiteout`) of the workdir it
    /// holds at `workdir` named as the model names them (``OvlModel/XattrPattern/tempName``,
    /// ``OvlModel/OverlayModel/workdirFolders``): the checker finds them in the lower as it finds
    /// any whiteout there, and a finding is keyed by its path.
    static func spareWhiteoutsNamed(_ tree: TreeView, in workdir: RelPath) -> TreeView {
        var out = tree
        for (path, v) in tree where path.components.count == workdir.components.count + 2 && path.hasPrefix(workdir)
            && ["work", "index"].contains(path.components[workdir.components.count]) && path.components.last?.hasPrefix("#") == true {
            out[path] = nil
            out[RelPath(components: path.components.dropLast() + [XattrPattern.tempName])] = v
        }
        return out
    }

    /// The options of the job's last mount: a staged case's last stage's (nil there: the case's
    /// own), else the first mount's.
    static func finalOptions(_ scenario: Scenario) -> [MountOption] {
        for op in scenario.steps.reversed() {
            if case .nextStage(let options) = op { return options ?? scenario.options }
        }
        return scenario.mountOptions
    }
}
