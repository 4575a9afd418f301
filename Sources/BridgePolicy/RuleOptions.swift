/// What `require options` lets a rule say beyond the bridge name: whom it is about
/// (`user=`, `group=`) and, for an allow rule, how the tap's bridge port is set up
/// (`vlan=`, `isolated`) and how many taps it grants each caller at once (`max=`).
/// The empty value is a rule of the C helper's grammar.
public struct RuleOptions: Equatable, Hashable, Sendable {
    /// The rule applies only to these real uids; nil: to every user.
    public var users: [UInt32]?
    /// The rule applies only to members of one of these groups; nil: to every group.
    public var groups: [UInt32]?
    /// The port joins this VLAN as its PVID, untagged, and no other VLAN.
    public var vlan: UInt16?
    /// The port is isolated: it talks to the bridge's non-isolated ports only.
    public var isolated: Bool
    /// Through this rule a caller holds at most this many ports of the bridge at once
    /// (ports whose tap the kernel records as the caller's uid); nil: no limit.
    public var maxTaps: UInt16?

    public init(
        users: [UInt32]? = nil, groups: [UInt32]? = nil, vlan: UInt16? = nil, isolated: Bool = false,
        maxTaps: UInt16? = nil
    ) {
        self.users = users
        self.groups = groups
        self.vlan = vlan
        self.isolated = isolated
        self.maxTaps = maxTaps
    }

    public static let vlanRange: ClosedRange<UInt16> = 1...4094
    public static let maxTapsRange: ClosedRange<UInt16> = 1...4096

    /// True when the rule is only about some callers.
    public var hasCallerCondition: Bool { users != nil || groups != nil }

    /// The options that set up the port (`vlan=`, `isolated`), without whom the rule is
    /// about: the one place that says which options are port settings.
    public var portSettings: RuleOptions { RuleOptions(vlan: vlan, isolated: isolated) }

    /// True when an allow rule changes the port beyond what the C helper does.
    public var hasPortSettings: Bool { portSettings != RuleOptions() }

    /// Within a list any entry matches; `user=` and `group=` together must both match.
    public func applies(to caller: CallerIdentity) -> Bool {
        if let users, !users.contains(caller.uid) { return false }
        if let groups, !groups.contains(where: caller.isMember(of:)) { return false }
        return true
    }

    /// `user=1000 group=27 vlan=10 isolated`, numeric as matched; empty for no options.
    public var message: Message {
        var words: [Message] = []
        if let users { words.append("user=\(Self.list(users))") }
        if let groups { words.append("group=\(Self.list(groups))") }
        if let vlan { words.append("vlan=\(Int(vlan))") }
        if isolated { words.append("isolated") }
        if let maxTaps { words.append("max=\(Int(maxTaps))") }
        return Message(bytes: Array(words.map(\.bytes).joined(separator: [UInt8(ascii: " ")])))
    }

    /// The port settings alone, for the audit line of an attached tap: `vlan=10 isolated`.
    public var portSettingsMessage: Message { portSettings.message }

    static func list(_ ids: [UInt32]) -> Message {
        Message(stringLiteral: ids.map { String($0) }.joined(separator: ","))
    }
}
