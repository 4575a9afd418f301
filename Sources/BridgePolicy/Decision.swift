/// The C helper's decision: allowed if any `allow` rule matches, denied if any `deny`
/// rule matches. Deny wins; with no matching rule, the answer is deny.
public enum Decision: Equatable, Sendable {
    case allowed(by: ACLRule)
    /// The deny rule that matched, or nil when no allow rule matched (default deny).
    case denied(by: ACLRule?)

    public static let deniedMessage: Message = "access denied by acl file"

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }

    /// "allowed by FILE:LINE", "denied by FILE:LINE", "denied: no rule allows it".
    public var reason: Message {
        switch self {
        case .allowed(let rule): return "allowed by \(rule.location.message)"
        case .denied(let rule?): return "denied by \(rule.location.message)"
        case .denied(nil): return "denied: no rule allows it"
        }
    }
}

public func decide(bridge: [UInt8], rules: [ACLRule]) -> Decision {
    if let deny = rules.first(where: { $0.action == .deny && $0.matches(bridge: bridge) }) {
        return .denied(by: deny)
    }
    if let allow = rules.first(where: { $0.action == .allow && $0.matches(bridge: bridge) }) {
        return .allowed(by: allow)
    }
    return .denied(by: nil)
}
