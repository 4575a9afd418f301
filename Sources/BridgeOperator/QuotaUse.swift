import BridgePolicy
import BridgeSystem

/// `explain` for a rule with `max=N`: the caller's taps on the bridge, counted as the helper
/// counts them (LinkTable.taps(of:onBridge:) over one dump), and what the helper would say.
public struct QuotaUse: Sendable {
    public var quota: TapQuota
    public var uid: UInt32
    /// The bridge as the caller named it, for the helper's message.
    public var bridge: [UInt8]
    /// The caller's taps on the bridge now; nil when they could not be counted.
    public var held: Int?
    /// Why not: the dump failed, or the bridge is not in it.
    public var problem: Message?

    /// Counts in `table` for bridge `names` (the name asked for, then its other names: the
    /// helper counts on the kernel's interface whatever name it was asked by).
    public init(
        _ quota: TapQuota, uid: UInt32, bridge: [UInt8], names: [[UInt8]], links: Result<LinkTable, SystemError>
    ) {
        self.quota = quota
        self.uid = uid
        self.bridge = bridge
        switch links {
        case .failure(let error): problem = "cannot count the taps: \(error.message)"
        case .success(let table):
            if let link = names.lazy.compactMap(table.link(named:)).first {
                held = table.taps(of: uid, onBridge: link.index).count
            } else {
                problem = "cannot count the taps: there is no interface `\(bridge)' in this network namespace"
            }
        }
    }

    public var remaining: Int? { held.map(quota.remaining) }

    /// The helper would refuse the next tap now, before it makes one.
    public var isUsedUp: Bool { held.map(quota.refusesAnother) ?? false }

    /// `uid 1000 holds 1 of max=2 on br0 (rule FILE:LINE): 1 more may start`.
    public var summary: Message {
        guard let held, let remaining else {
            return "max=\(quota.limit) (rule at \(quota.rule.location.message)): \(problem ?? "unknown")"
        }
        return
            "uid \(uid) holds \(held) of max=\(quota.limit) on `\(bridge)' (rule at \(quota.rule.location.message)): \(remaining) more may start"
    }

    /// What the helper prints when the quota is used up (its own TapQuota.refusal); nothing otherwise.
    public var helperStderr: [Message] {
        guard isUsedUp, let held else { return [] }
        let (message, hints) = quota.refusal(uid: uid, bridge: bridge, held: held, countingNew: false)
        return HelperStderr.failed(message, hints: hints)
    }

    /// The audit line's outcome, as the helper records the refusal.
    public var outcome: Message? {
        guard isUsedUp, let held else { return nil }
        return quota.outcome(uid: uid, held: held)
    }
}
