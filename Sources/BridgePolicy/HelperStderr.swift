/// The lines the helper writes to stderr when it stops a request, built once: the helper
/// prints them, and `explain` shows them, so the two cannot drift apart.
/// Each element is one line, without its newline.
public enum HelperStderr {
    /// The ACL did not load: each line error as the C helper prints it, then the C helper's
    /// closing line, then, indented, why a file itself could not be read or trusted.
    public static func aclFailed(_ load: ACLLoadResult, file: [UInt8]) -> [Message] {
        let errors = load.errors
        let located = errors.filter { $0.location != nil }.map(\.rendered)
        let reasons = errors.filter { $0.location == nil }.map { "  \($0.rendered)" as Message }
        return lines(located + [ACLLoadResult.failureMessage(for: file)] + reasons)
    }

    /// No rule allows the request, or a deny matched: the C helper's line, nothing more.
    public static let denied: [Message] = [Decision.deniedMessage]

    /// Any other failure (HelperFailure): its message, then each hint, indented.
    public static func failed(_ message: Message, hints: [Message]) -> [Message] {
        lines([message] + hints.map { "  \($0)" })
    }

    /// A message with a line break in it (`Invalid config line:` and its line) is two lines.
    static func lines(_ messages: [Message]) -> [Message] {
        messages.flatMap { message in
            message.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
                Message(bytes: Array($0))
            }
        }
    }
}
