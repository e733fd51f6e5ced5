/// A position in a case file: the file as given, and a 1-based line and column.
///
/// Columns count Unicode scalars, as Yams (libyaml) does.
public struct SourceLocation: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The file path as it was given to the parser.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column number (in Unicode scalars).
    public var column: Int

    /// Makes a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }

    /// `file:line:col`, as compilers print it.
    public var description: String { "\(file):\(line):\(column)" }
}
