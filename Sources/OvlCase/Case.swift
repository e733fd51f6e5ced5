import OvlModel

/// One parsed case file: its metadata and the scenario it describes.
public struct Case: Sendable, Equatable {
    /// The path below the nearest ancestor folder named `cases`, without `.yaml`
    /// (e.g. `whiteout/001-unlink-lower-file`); the bare file name when there is no such folder.
    public var id: String
    /// The file path as given.
    public var file: String
    /// The case's one-line description.
    public var description: String
    /// The rules the case checks, e.g. `["R33"]`.
    public var rules: [String]
    /// The groups the case belongs to, each from ``GroupNames/all``.
    public var groups: [String]
    /// The layers, options and steps.
    public var scenario: Scenario
    /// The option matrix (empty for a plain case): ``expanded()`` makes one case per combination.
    public var matrix: [MatrixAxis]
    /// Where each step is written: one element per `scenario.steps` element.
    public var stepLocations: [SourceLocation]
    /// Where the document root begins.
    public var location: SourceLocation

    /// Makes a case.
    public init(id: String, file: String, description: String, rules: [String], groups: [String],
                scenario: Scenario, stepLocations: [SourceLocation], location: SourceLocation,
                matrix: [MatrixAxis] = []) {
        self.id = id; self.file = file; self.description = description; self.rules = rules
        self.groups = groups; self.scenario = scenario; self.stepLocations = stepLocations
        self.location = location; self.matrix = matrix
    }
}
