import BridgePolicy
import BridgeSystem

/// `explain`: what the helper would decide for this bridge, read as this process now is,
/// and why. The same argument checks, loader (stopping where the helper stops), trust
/// checks and `decide` as the helper; nothing is re-implemented.
public struct Explanation: Sendable {
    public var bridge: [UInt8]
    public var file: [UInt8]
    /// The helper refuses the name before it reads any ACL (too long, not a valid name).
    public var nameProblem: Message?
    public var load: ACLLoadResult?
    /// Nil when the helper stops before deciding (bad name, ACL failed to load, names not looked up).
    public var decision: Decision?
    /// Where the helper stops after the ACL loaded: it cannot read its caller's identity,
    /// or cannot look up the bridge's names (in that order, as in the helper).
    public var failure: HelperFailure?
    /// The interface's other names here (its own name, its altnames), as the helper looks
    /// them up: a deny of any of them wins.
    public var otherNames: [[UInt8]] = []
    /// Every rule that names this bridge (or another of its names) or `all`, in file order.
    public var matchingRules: [ACLRule]
    /// When the deciding allow rule has `max=N`: the caller's count and remaining quota.
    public var quota: QuotaUse?

    /// The helper would hand out a tap now: the rules allow it and the quota is not used up.
    public var isAllowed: Bool { (decision?.isAllowed ?? false) && !(quota?.isUsedUp ?? false) }

    /// The helper's outcome in its own words.
    public var outcome: Message {
        if let nameProblem { return "denied: the helper refuses the bridge name: \(nameProblem)" }
        if let load, !load.succeeded { return "denied: \(ACLLoadResult.failureMessage(for: file))" }
        if let failure { return "failed: \(failure.message)" }
        guard let decision else { return "denied" }
        if let refused = quota?.outcome { return refused }
        let port = decision.portSettings.message
        return port.bytes.isEmpty ? decision.reason : "\(decision.reason), port settings: \(port)"
    }

    /// What the helper prints on stderr for this outcome, line by line (nothing when allowed):
    /// the same lines, from the same place (`HelperStderr`), as the helper's.
    public var helperStderr: [Message] {
        if let nameProblem { return [nameProblem] }
        if let load, !load.succeeded { return HelperStderr.aclFailed(load, file: file) }
        if let failure { return failure.stderrLines }
        if let decision, !decision.isAllowed { return HelperStderr.denied }
        return quota?.helperStderr ?? []
    }

    /// `otherNames` looks the bridge's names up: by default in this network namespace, as the
    /// helper does (BridgeNames.lookUp); `caller` reads who this process is, as the helper does;
    /// `links` is the dump a `max=` rule's count is taken from.
    public init(
        bridge: [UInt8], file: [UInt8], source: any ACLFileSource = TrustedFileSource(),
        otherNames lookUp: ([UInt8]) throws(HelperFailure) -> [[UInt8]] = { bridge throws(HelperFailure) in
            try BridgeNames.lookUp(bridge).otherNames
        },
        caller readCaller: () throws(HelperFailure) -> CallerIdentity = { () throws(HelperFailure) in
            try CallerIdentity.current()
        },
        links readLinks: () -> Result<LinkTable, SystemError> = {
            do throws(SystemError) { return .success(try LinkTable.read()) } catch { return .failure(error) }
        }
    ) {
        self.bridge = bridge
        self.file = file
        matchingRules = []
        // The helper's own argument parser, so that its name checks come first, as there.
        if case .failure(let problem) = parseArguments([Array("--br=".utf8) + bridge, Array("--fd=0".utf8)]) {
            nameProblem = problem.message
            return
        }
        let load = ACLLoader(source: source).load(file)
        self.load = load
        // Once the ACL has loaded the helper reads who its caller is (uid, gid, groups for
        // `user=` and `group=`), then the bridge's names, and stops if it cannot: no decision.
        var caller: CallerIdentity?
        do { caller = try readCaller() } catch { failure = error }
        do { otherNames = try lookUp(bridge) } catch { failure = failure ?? error }
        matchingRules = load.rules.filter { rule in ([bridge] + otherNames).contains { rule.matches(bridge: $0) } }
        if load.succeeded, failure == nil, let caller {
            let decision = decide(bridge: bridge, otherNames: otherNames, caller: caller, rules: load.rules)
            self.decision = decision
            if let quota = TapQuota(decision) {
                self.quota = QuotaUse(
                    quota, uid: caller.uid, bridge: bridge, names: [bridge] + otherNames, links: readLinks())
            }
        }
    }
}
