import BridgePolicy

/// Step 4 of the helper: the privileged acts, after checking what they act on.
public enum TapHandover {
    /// Checks the caller's socket and opens the control socket (contract step 1), then runs
    /// the acts with the kernel's calls. `audit` is connected and names the bridge.
    static func run(
        to recipient: TapRecipient, bridge: BridgeNames, decision: Decision, caller: CallerIdentity,
        vnetHeader: Bool, queues: Int, audit: AuditLog
    ) throws(HandoverFailure) {
        let kernel: KernelCalls
        do {
            if case .helperSocket(let socket) = recipient { try CallerSocket.validate(socket) }
            kernel = KernelCalls(control: try openControlSocket(), auditLog: audit)
        } catch {
            throw HandoverFailure(error, after: decision)
        }
        let acts = PrivilegedActs(
            bridge: BridgeAttachment(calls: kernel, bridge: bridge), decision: decision, caller: caller,
            vnetHeader: vnetHeader, queues: queues)
        try acts.run(to: recipient)
    }

    static func openControlSocket() throws(HelperFailure) -> ControlSocket {
        do { return try ControlSocket.open() } catch {
            throw HelperFailure("failed to open control socket: \(error.text)")
        }
    }
}

/// Why the handover stopped, and the outcome its audit line records.
public struct HandoverFailure: Error {
    public var failure: HelperFailure
    public var outcome: Message

    init(failure: HelperFailure, outcome: Message) {
        self.failure = failure
        self.outcome = outcome
    }

    /// A failure before the tap was handed over: `allowed by FILE:LINE, failed: LINE`.
    init(_ failure: HelperFailure, after decision: Decision) {
        self.init(failure: failure, outcome: failure.outcome ?? "\(decision.reason), failed: \(failure.message)")
    }
}

/// Steps 2-9 of the contract in the C helper's order, with the tap's owner and mark and the
/// rule's quota and port settings; the first failure stops them, and the tap (never
/// persistent) vanishes as its descriptor closes.
struct PrivilegedActs<Calls: PrivilegedCalls> {
    let bridge: BridgeAttachment<Calls>
    let decision: Decision
    let caller: CallerIdentity
    let vnetHeader: Bool
    var queues = 1

    var calls: Calls { bridge.calls }

    func run(to recipient: TapRecipient) throws(HandoverFailure) {
        let quota = TapQuota(decision)
        var tap: TapDevice<Calls>
        do throws(HelperFailure) {
            let mtu = try bridge.bridgeMTU()
            var netlink: Calls.Netlink? = try openNetlink()
            var bridgeIndex: Int32?
            let askIndex = { () throws(HelperFailure) -> Int32 in
                if let bridgeIndex { return bridgeIndex }
                let index = try bridge.bridgeIndex()
                bridgeIndex = index
                return index
            }
            var port = try PortSetup.prepare(for: decision, bridge: bridge, netlink: netlink!, bridgeIndex: askIndex)
            if let quota { try checkQuota(quota, bridgeIndex: try askIndex(), netlink!, countingNew: false) }
            tap = try TapDevice.create(vnetHeader: vnetHeader, multiQueue: queues > 1, calls)
            try tap.setOwner(caller, calls)
            try bridge.setMTU(mtu, of: tap.name)
            try bridge.setHighMAC(of: tap.name)
            try tap.attachQueues(upTo: queues, calls)
            let tapIndex = try bridge.index(of: tap.name)
            try bridge.mark(tap.name, index: tapIndex, for: caller.uid, netlink!)
            try bridge.addToBridge(tap.name, index: tapIndex)
            try port?.apply(to: tap.name, index: tapIndex)
            // Counted again with the new port on the bridge, still down: a racing request is seen.
            if let quota { try checkQuota(quota, bridgeIndex: try askIndex(), netlink!, countingNew: true) }
            let portSettings: Message = port.map { " \($0.message)" } ?? ""
            let queueCount: Message = queues > 1 ? " queues=\(queues)" : ""
            (port, netlink) = (nil, nil)  // the netlink socket closes: nothing after this needs it
            try bridge.bringUp(tap.name)
            // The line goes out before the fd: a caller that kills us as the fd arrives has it logged.
            do { try calls.audit("\(decision.reason) tap=\(tap.name)\(queueCount)\(portSettings)") } catch {
                throw AuditLog.writeFailure(error)
            }
        } catch {
            throw HandoverFailure(error, after: decision)
        }
        do { try calls.send(tap.queues, of: tap.name, to: recipient) } catch {
            let failure = CallerSocket.sendFailure(error)
            throw HandoverFailure(failure: failure, outcome: "tap=\(tap.name) not handed over: \(failure.message)")
        }
    }

    func openNetlink() throws(HelperFailure) -> Calls.Netlink {
        do { return try calls.openNetlink() } catch {
            throw HelperFailure("failed to open netlink socket: \(error.text)")
        }
    }

    func checkQuota(
        _ quota: TapQuota, bridgeIndex: Int32, _ netlink: Calls.Netlink, countingNew: Bool
    ) throws(HelperFailure) {
        let held: Int
        do { held = try calls.heldTaps(of: caller.uid, onBridge: bridgeIndex, netlink) } catch {
            throw HelperFailure(
                "failed to count the taps of uid \(caller.uid) on bridge `\(bridge.shown)' (needed by the rule at \(quota.rule.location.message)): \(error.text)",
                hints: [countingNew ? "the new tap was removed" : "nothing was created"])
        }
        let refused = countingNew ? quota.refusesWithNew(held: held) : quota.refusesAnother(held: held)
        guard refused else { return }
        let (message, hints) = quota.refusal(
            uid: caller.uid, bridge: bridge.shown, held: held, countingNew: countingNew)
        throw HelperFailure(message, hints: hints, outcome: quota.outcome(uid: caller.uid, held: held))
    }
}
