/// A rule's `max=N`: how many taps on its bridge one caller may hold at once.
///
/// Asked twice by the helper: before the tap exists (the common refusal, nothing is made)
/// and again once the new port is on the bridge but still down, counting it. Two requests
/// racing may then both be refused, but never both pass the limit: whichever counts last
/// sees the other's port.
public struct TapQuota: Equatable, Sendable {
    public var limit: Int
    /// The allow rule that set it, for messages.
    public var rule: ACLRule

    /// The first matching allow rule's `max=`; nil when denied or when it sets none
    /// (a later rule's `max=` never applies, as for its port settings).
    public init?(_ decision: Decision) {
        guard case .allowed(let rule) = decision, let limit = rule.options.maxTaps else { return nil }
        self.limit = Int(limit)
        self.rule = rule
    }

    /// Before the tap is made: `held` are the caller's taps on the bridge now.
    public func refusesAnother(held: Int) -> Bool { held >= limit }

    /// After the new port joined the bridge: `held` counts it too.
    public func refusesWithNew(held: Int) -> Bool { held > limit }

    /// What the caller is told (stderr, `explain`): the line, and a hint. `held` as counted,
    /// the new tap included when `countingNew`.
    public func refusal(uid: UInt32, bridge: [UInt8], held: Int, countingNew: Bool) -> (Message, hints: [Message]) {
        let taps: Message = held == 1 ? "1 tap" : "\(held) taps"
        let what: Message =
            countingNew ? "\(taps) on bridge `\(bridge)' with this one" : "\(taps) on bridge `\(bridge)'"
        return (
            "access denied: uid \(uid) already holds \(what), and the rule at \(rule.location.message) allows \(limit) (max=\(limit))",
            [
                countingNew
                    ? "another request took the last one at the same time; the new tap was removed"
                    : "nothing was created"
            ]
        )
    }

    /// The audit line's outcome: `denied by FILE:LINE (max=2): uid 1000 holds 2 taps`.
    public func outcome(uid: UInt32, held: Int) -> Message {
        "denied by \(rule.location.message) (max=\(limit)): uid \(uid) holds \(held)"
    }

    /// For `explain`: how many more the caller may start now.
    public func remaining(held: Int) -> Int { max(0, limit - held) }
}
