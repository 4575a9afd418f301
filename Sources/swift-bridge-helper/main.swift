// swift-bridge-helper: QEMU's bridge helper protocol, read top to bottom as a checklist.
// Every failure prints its message, exits 1 and sends nothing; the tap (never persistent)
// vanishes with our fd.
import BridgePolicy
import BridgeSystem
import CHelperStartup
@preconcurrency import Glibc

func fail(_ failure: HelperFailure) -> Never { stop(failure.stderrLines) }

/// The one way out of a request that got no tap, a refusal by the ACL in the lines
/// BridgePolicy builds (`explain` shows the same) or a failure: its lines, its audit line
/// once the log is connected, then exit 1.
func stop(_ lines: [Message], audit: AuditLog? = nil, outcome: Message? = nil) -> Never {
    for line in lines { StandardStreams.printError(line) }
    // A refusal whose line cannot be written is still a refusal: nothing more to do.
    if let audit, let outcome { try? audit.record(outcome, failed: true) }
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
    // With no privilege of its own, the broker (if broker mode is on) decides and acts, as us.
    if privilege.source == .noPrivilege {
        guard BrokerClient.isAvailable else {
            fail(Privileges.missingPrivilege(callerSetNoNewPrivs: privilege.callerSetNoNewPrivs))
        }
        do { try BrokerClient.forward(request) } catch { stop(error.lines) }
        exit(0)
    }

    // 3-4. The ACL read as the caller, the decision, the privileged acts, the audit line and
    //      the fd: TapService, which the broker runs for its clients too.
    do {
        try TapService.serve(
            TapRequest(bridge: request.bridge, vnetHeader: request.useVnet), to: .helperSocket(request.socketFD))
    } catch {
        stop(error.lines, audit: error.audit, outcome: error.outcome)
    }
    exit(0)
}

runHelper()
