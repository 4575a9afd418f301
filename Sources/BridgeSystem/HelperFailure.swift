import BridgePolicy

/// Why the helper stops: the exact line of the contract first, then optional hints that
/// tell a person what to do about it.
public struct HelperFailure: Error, Sendable {
    public var message: Message
    public var hints: [Message]
    /// What the audit line records instead of `failed: MESSAGE`: a refusal by a rule's quota
    /// is a denial, not a failure.
    public var outcome: Message?

    public init(_ message: Message, hints: [Message] = [], outcome: Message? = nil) {
        self.message = message
        self.hints = hints
        self.outcome = outcome
    }

    /// What the helper prints for it, line by line (`explain` shows the same).
    public var stderrLines: [Message] { HelperStderr.failed(message, hints: hints) }
}
