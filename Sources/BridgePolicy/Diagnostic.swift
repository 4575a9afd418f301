/// A problem found while reading the ACL, with the file and line it is about.
public struct Diagnostic: Equatable, Sendable {
    public enum Severity: Sendable { case error, warning, note }

    public var severity: Severity
    public var message: Message
    public var location: SourceLocation?
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

    /// What the helper writes to stderr: the C helper's exact line first, then where;
    /// or, for our own checks, the usual `FILE:LINE: message`.
    public var rendered: Message {
        guard let location else { return message }
        if isCHelperMessage { return "\(message)\n  at \(location.message)" }
        return "\(location.message): \(message)"
    }
}
