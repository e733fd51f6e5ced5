/// The closed list of group names a case may join (`groups:` in a case file).
public enum GroupNames {
    /// Every valid group name, in documentation order.
    public static let all: [String] = [
        "copyup", "whiteout", "redirect", "xino", "metacopy", "exportfs",
        "index", "mount", "lookup", "quick", "auto", "dangerous",
    ]
}
