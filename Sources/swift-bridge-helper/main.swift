// swift-bridge-helper: QEMU's bridge helper protocol, read top to bottom as a checklist.
// Every failure prints its message, exits 1 and sends nothing; the tap (never persistent)
// vanishes with our fd.
import BridgePolicy
import BridgeSystem
import CHelperStartup
@preconcurrency import Glibc

let aclPath = Array("/etc/qemu/bridge.conf".utf8)

func fail(_ failure: HelperFailure, audit: AuditLog? = nil, outcome: Message? = nil) -> Never {
    StandardStreams.printFailure(failure)
    exitFailed(audit: audit, outcome: outcome ?? "failed: \(failure.message)")
}

/// A refusal by the ACL, in the lines BridgePolicy builds (`explain` shows the same).
func refuse(_ lines: [Message], audit: AuditLog, outcome: Message) -> Never {
    for line in lines { StandardStreams.printError(line) }
    exitFailed(audit: audit, outcome: outcome)
}

/// The one way out after a failure, once its message is printed.
func exitFailed(audit: AuditLog?, outcome: Message) -> Never {
    // A refusal whose line cannot be written is still a refusal: nothing more to do.
    if let audit { try? audit.record(outcome, failed: true) }
    StandardStreams.waitUntilErrorsAreRead()
    exit(1)
}

/// The whole protocol. A function rather than top-level code: closures in top-level code
/// are isolated to the main actor, and Swift 6 then links the concurrency runtime and
/// libdispatch (with its start-up work) into the helper to check that isolation.
func runHelper() -> Never {
    // 1. A sane process: fds 0-2 open, argv present, privileges narrowed and verified.
    guard StandardStreams.ensureOpen() else { exit(1) }
    // The SWIFT_* variables are gone before the runtime read them: only a static build can say so.
    guard sbh_environment_was_cleared() == 1 else {
        fail(
            HelperFailure(
                "swift-bridge-helper: refusing to run: this build is dynamically linked, so the Swift runtime read the caller's environment before any code of ours ran",
                hints: ["build it with: swift build -c release -Xswiftc -static-executable"]))
    }
    // argv as the kernel gave it, recorded by the start-up constructor (not CommandLine,
    // which needs a free fd to find it).
    guard sbh_startup_argc() > 0 else {
        fail(HelperFailure("swift-bridge-helper: refusing to run with an empty argument list (argc is 0)"))
    }
    let privilege: NarrowedPrivileges
    do { privilege = try Privileges.narrow() } catch { fail(error) }

    // 2. The request.
    let request: HelperRequest
    switch parseArguments(rawArguments(count: sbh_startup_argc(), values: sbh_startup_argv())) {
    case .success(let parsed): request = parsed
    case .failure(let problem): fail(HelperFailure(problem.message))
    }
    if privilege.source == .noPrivilege {
        fail(Privileges.missingPrivilege(callerSetNoNewPrivs: privilege.callerSetNoNewPrivs))
    }
    // Connected before anything is decided: no audit socket, no tap (unless the host has no log).
    var audit: AuditLog
    do { audit = try AuditLog.connect(uid: Privileges.realUserID(), bridge: request.bridge) } catch { fail(error) }

    // 3. The ACL, read as the caller, and the decision.
    let acl = ACLLoader(source: TrustedFileSource()).load(aclPath)
    guard acl.succeeded else {
        refuse(
            HelperStderr.aclFailed(acl, file: aclPath), audit: audit, outcome: "denied: the acl file failed to parse")
    }
    let caller: CallerIdentity
    do { caller = try CallerIdentity.current() } catch { fail(error, audit: audit) }
    // The bridge's other names (its own, its altnames): a deny of any of them wins.
    let bridgeNames: BridgeNames
    do { bridgeNames = try BridgeNames.lookUp(request.bridge) } catch { fail(error, audit: audit) }
    audit.bridge = bridgeNames.logged
    let decision = decide(bridge: request.bridge, otherNames: bridgeNames.otherNames, caller: caller, rules: acl.rules)
    guard decision.isAllowed else { refuse(HelperStderr.denied, audit: audit, outcome: decision.reason) }

    // 4. The privileged acts, in the C helper's order, after checking what they act on: the
    //    caller's socket, the bridge's MTU and the port settings; then the tap is created and
    //    given the MTU, a high MAC, the bridge, the port settings and IFF_UP; the audit line;
    //    the fd (TapHandover, whose order and messages BridgeSystemTests check).
    do {
        try TapHandover.run(
            socket: request.socketFD, bridge: bridgeNames, decision: decision, caller: caller,
            vnetHeader: request.useVnet,
            audit: audit
        )
    } catch {
        fail(error.failure, audit: audit, outcome: error.outcome)
    }
    exit(0)
}

runHelper()
