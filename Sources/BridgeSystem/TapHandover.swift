import BridgePolicy

/// Step 4 of the helper: the privileged acts, after checking what they act on.
public enum TapHandover {
    /// Checks the caller's socket and opens the control socket (contract step 1), then runs
    /// the acts with the kernel's calls. `audit` is connected and names the bridge.
    public static func run(
        socket: Int32, bridge: BridgeNames, decision: Decision, vnetHeader: Bool, audit: AuditLog
    ) throws(HandoverFailure) {
        let kernel: KernelCalls
        do {
            try CallerSocket.validate(socket)
            kernel = KernelCalls(control: try openControlSocket(), auditLog: audit)
        } catch {
            throw HandoverFailure(error, after: decision)
        }
        let acts = PrivilegedActs(
            bridge: BridgeAttachment(calls: kernel, bridge: bridge), decision: decision, vnetHeader: vnetHeader)
        try acts.run(socket: socket)
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
        self.init(failure: failure, outcome: "\(decision.reason), failed: \(failure.message)")
    }
}

/// Steps 2-9 of the contract in the C helper's order; the first failure stops them, and the
/// tap (never persistent) vanishes as its descriptor closes.
struct PrivilegedActs<Calls: PrivilegedCalls> {
    let bridge: BridgeAttachment<Calls>
    let decision: Decision
    let vnetHeader: Bool

    var calls: Calls { bridge.calls }

    func run(socket: Int32) throws(HandoverFailure) {
        let tap: TapDevice<Calls>
        do throws(HelperFailure) {
            let mtu = try bridge.bridgeMTU()
            var port = try PortSetup.prepare(for: decision, bridge: bridge)  // rule options: vlan=, isolated
            tap = try TapDevice.create(vnetHeader: vnetHeader, calls)
            try bridge.setMTU(mtu, of: tap.name)
            try bridge.setHighMAC(of: tap.name)
            try bridge.addToBridge(tap.name)
            try port?.apply(to: tap.name)
            let portSettings: Message = port.map { " \($0.message)" } ?? ""
            port = nil  // its netlink socket closes: nothing after this needs it
            try bridge.bringUp(tap.name)
            // The line goes out before the fd: a caller that kills us as the fd arrives has it logged.
            do { try calls.audit("\(decision.reason) tap=\(tap.name)\(portSettings)") } catch {
                throw AuditLog.writeFailure(error)
            }
        } catch {
            throw HandoverFailure(error, after: decision)
        }
        do { try calls.send(tap.tun, over: socket) } catch {
            let failure = CallerSocket.sendFailure(error)
            throw HandoverFailure(failure: failure, outcome: "tap=\(tap.name) not handed over: \(failure.message)")
        }
    }
}
