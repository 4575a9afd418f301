import BridgePolicy
@preconcurrency import Glibc

/// One request for a tap: the helper's arguments, or a broker client's OpenTap call.
public struct TapRequest: Sendable {
    public var bridge: [UInt8]
    public var vnetHeader: Bool
    /// 1 for QEMU's helper protocol; up to BrokerInterface.maximumQueues through the broker.
    public var queues: Int

    public init(bridge: [UInt8], vnetHeader: Bool, queues: Int = 1) {
        self.bridge = bridge
        self.vnetHeader = vnetHeader
        self.queues = queues
    }
}

/// Why a request got no tap: the lines a person is shown (the helper's stderr, the broker's
/// error reply), the audit line's outcome, and whether the ACL refused it or something failed.
public struct TapServiceStop: Error {
    public var lines: [Message]
    public var audit: AuditLog?
    public var outcome: Message
    /// The ACL (or a rule's quota) refused: the broker replies Denied rather than Failed.
    public var isDenial: Bool

    init(_ failure: HelperFailure, audit: AuditLog?, outcome: Message? = nil) {
        lines = failure.stderrLines
        self.audit = audit
        self.outcome = outcome ?? failure.outcome ?? "failed: \(failure.message)"
        isDenial = failure.outcome != nil
    }

    init(refusal lines: [Message], audit: AuditLog, outcome: Message) {
        self.lines = lines
        self.audit = audit
        self.outcome = outcome
        isDenial = true
    }

    /// The audit line of the stop. A refusal whose line cannot be written is still a refusal.
    public func record() {
        if let audit { try? audit.record(outcome, failed: true) }
    }
}

/// Steps 2-4 of the helper for a caller whose identity this process now holds, narrowed to
/// CAP_NET_ADMIN: the setuid or file-capability helper after Privileges.narrow, the broker's
/// child after Privileges.narrow(toPeer:). Both run exactly this, so they decide alike.
public enum TapService {
    public static let aclPath = Array("/etc/qemu/bridge.conf".utf8)

    public static func serve(_ request: TapRequest, to recipient: TapRecipient) throws(TapServiceStop) {
        // Connected before anything is decided: no audit socket, no tap (unless the host has no log).
        var audit: AuditLog
        do { audit = try AuditLog.connect(uid: getuid(), bridge: request.bridge) } catch {
            throw TapServiceStop(error, audit: nil)
        }

        // The ACL, read as the caller, and the decision.
        let acl = ACLLoader(source: TrustedFileSource()).load(aclPath)
        guard acl.succeeded else {
            throw TapServiceStop(
                refusal: HelperStderr.aclFailed(acl, file: aclPath), audit: audit,
                outcome: "denied: the acl file failed to parse")
        }
        let caller: CallerIdentity
        do { caller = try CallerIdentity.current() } catch { throw TapServiceStop(error, audit: audit) }
        // The bridge's other names (its own, its altnames): a deny of any of them wins.
        let bridgeNames: BridgeNames
        do { bridgeNames = try BridgeNames.lookUp(request.bridge) } catch { throw TapServiceStop(error, audit: audit) }
        audit.bridge = bridgeNames.logged
        let decision = decide(
            bridge: request.bridge, otherNames: bridgeNames.otherNames, caller: caller, rules: acl.rules)
        guard decision.isAllowed else {
            throw TapServiceStop(refusal: HelperStderr.denied, audit: audit, outcome: decision.reason)
        }

        // The privileged acts, in the C helper's order, after checking what they act on: the
        // recipient, the bridge's MTU and the port settings; then the tap is created and given
        // the MTU, a high MAC, the bridge, the port settings and IFF_UP; the audit line; the
        // fds (TapHandover, whose order and messages BridgeSystemTests check).
        do {
            try TapHandover.run(
                to: recipient, bridge: bridgeNames, decision: decision, caller: caller,
                vnetHeader: request.vnetHeader, queues: request.queues, audit: audit)
        } catch {
            throw TapServiceStop(error.failure, audit: audit, outcome: error.outcome)
        }
    }
}
