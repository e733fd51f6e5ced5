/// A problem with a case file, reported the way a compiler reports one.
public struct CaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// What is wrong, naming the valid alternatives where there are any.
    public var message: String
    /// The offending source line followed by a line with a caret (`^`) under the column;
    /// nil when the location lies outside the text (an unreadable file, an error at the end).
    public var snippet: String?

    /// Makes an error.
    public init(location: SourceLocation, message: String, snippet: String? = nil) {
        self.location = location; self.message = message; self.snippet = snippet
    }

    /// `FILE:LINE:COL: error: MESSAGE`, then the snippet on the following lines.
    public var description: String {
        var text = "\(location): error: \(message)"
        if let snippet { text += "\n" + snippet }
        return text
    }
}
