/// A problem found while reading the ACL, with the file and line it is about.
public struct Diagnostic: Equatable, Sendable {
    public enum Severity: Sendable { case error, warning, note }

    public var severity: Severity
    public var message: Message
    public var location: SourceLocation?
    /// For a problem with a whole file (missing, refused) rather than one of its lines.
    public var file: [UInt8]?
    /// The C helper prints exactly `message` for this case; we add the location after it.
    public var isCHelperMessage: Bool

    public init(
        _ severity: Severity, _ message: Message, at location: SourceLocation?,
        isCHelperMessage: Bool = false
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.isCHelperMessage = isCHelperMessage
    }

    public init(_ severity: Severity, _ message: Message, aboutFile file: [UInt8]) {
        self.init(severity, message, at: nil)
        self.file = file
    }

    /// What the helper writes to stderr: the C helper's exact line first, then where;
    /// or, for our own checks, the usual `FILE:LINE: message` (`FILE: message` for a file).
    public var rendered: Message {
        guard let location else { return file.map { "\($0): \(message)" } ?? message }
        if isCHelperMessage { return "\(message)\n  at \(location.message)" }
        return "\(location.message): \(message)"
    }
}
