/// The C helper's decision: allowed if any `allow` rule matches, denied if any `deny`
/// rule matches. Deny wins; with no matching rule, the answer is deny.
/// With `require options`, a rule also has to apply to the caller (`user=`, `group=`),
/// and the first matching allow rule gives the port settings (`vlan=`, `isolated`) and the
/// limit of taps (`max=`, TapQuota).
public enum Decision: Equatable, Sendable {
    case allowed(by: ACLRule)
    /// The deny rule that matched, or nil when no allow rule matched (default deny).
    case denied(by: ACLRule?)

    public static let deniedMessage: Message = "access denied by acl file"

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }

    /// How to set up the port: those of the first matching allow rule; none when denied.
    public var portSettings: RuleOptions {
        guard case .allowed(let rule) = self else { return RuleOptions() }
        return rule.options.portSettings
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

/// The decision for a known caller: the helper's.
///
/// `otherNames` are the interface's other names (its kernel name, its alternative names):
/// a deny of any of them wins, while an allow counts only for the name asked for, as in
/// the C helper. So another name of a denied bridge never reaches it, and no name grants
/// more than the C helper would.
public func decide(bridge: [UInt8], otherNames: [[UInt8]] = [], caller: CallerIdentity, rules: [ACLRule]) -> Decision {
    decide(bridge: bridge, otherNames: otherNames, rules: rules) { $0.options.applies(to: caller) }
}

/// The decision for a caller we know nothing about (kept for callers written before rule
/// options). Without `user=`/`group=` in the rules this is the C helper's decision. A rule
/// about some callers is read against us: its allow never applies (nobody showed it is
/// theirs) and its deny always does (nobody showed it is not), so an unknown caller gets
/// no more than the least privileged caller could.
public func decide(bridge: [UInt8], otherNames: [[UInt8]] = [], rules: [ACLRule]) -> Decision {
    decide(bridge: bridge, otherNames: otherNames, rules: rules) {
        !$0.options.hasCallerCondition || $0.action == .deny
    }
}

func decide(
    bridge: [UInt8], otherNames: [[UInt8]] = [], rules: [ACLRule], appliesToCaller: (ACLRule) -> Bool
) -> Decision {
    let deny = rules.first { rule in
        rule.action == .deny && appliesToCaller(rule)
            && (rule.matches(bridge: bridge) || otherNames.contains { rule.matches(bridge: $0) })
    }
    if let deny { return .denied(by: deny) }
    if let allow = rules.first(where: { $0.action == .allow && $0.matches(bridge: bridge) && appliesToCaller($0) }) {
        return .allowed(by: allow)
    }
    return .denied(by: nil)
}
