import OvlModel
import OvlProtocol

extension Job {
    /// A job whose `fsck:` repairs the host plans here, from the model's layers as the case gives
    /// them (``OvlModel/LayerSet/plannedRepairs(policy:)``); the guest only makes them.
    public init(index: Int, caseID: String, config: FSConfig, scenario: Scenario, skip: String? = nil) {
        self.init(index: index, caseID: caseID, config: config, scenario: scenario, skip: skip,
                  fsckRepairs: scenario.fsck.map { LayerSet(scenario: scenario).plannedRepairs(policy: $0.policy) } ?? [])
    }
}
