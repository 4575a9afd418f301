import BridgePolicy
import CBridgeShim
import CLibcap
@preconcurrency import Glibc

/// How this process got CAP_NET_ADMIN.
public enum PrivilegeSource: Equatable, Sendable {
    /// Setuid root: we drop to the caller's real uid and gid, keeping only CAP_NET_ADMIN.
    case setuidRoot
    /// The caller is root (QEMU run as root).
    case rootCaller
    /// File capability cap_net_admin+ep: the uid is already the caller's.
    case fileCapability
    /// No CAP_NET_ADMIN at all: the helper asks the broker, if there is one, or says how to fix it.
    case noPrivilege
    /// The broker's child: root that became the peer the kernel named, keeping only CAP_NET_ADMIN.
    case brokerPeer
}

/// What `Privileges.narrow` found and left.
public struct NarrowedPrivileges: Sendable {
    public var source: PrivilegeSource
    /// no_new_privs was already set when we started (a sandbox): the reason, if any, why
    /// the kernel ignored our file capability or setuid bit. Read before we set it ourselves.
    public var callerSetNoNewPrivs: Bool
}

/// Narrows the process to the caller's identity and CAP_NET_ADMIN alone, then verifies
/// the result before anything else happens. Supplementary groups are kept (as the C helper
/// keeps them) because the ACL is read as the caller, groups included.
public enum Privileges {
    public static func narrow() throws(HelperFailure) -> NarrowedPrivileges {
        let callerSetNoNewPrivs = sbh_prctl(sbh_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1
        let uid = realUserID()
        let gid = realGroupID()
        let source: PrivilegeSource
        if try hasRootID() {
            source = uid == 0 ? .rootCaller : .setuidRoot
            try becomeKeepingCapabilities(uid: uid, gid: gid, groups: nil)
        } else {
            source = hasPermitted(CAP_NET_ADMIN) ? .fileCapability : .noPrivilege
        }
        try finish(source, uid: uid, gid: gid)
        return NarrowedPrivileges(source: source, callerSetNoNewPrivs: callerSetNoNewPrivs)
    }

    /// The broker's child becomes the peer the kernel named on its connection: its uid, gid
    /// and supplementary groups (SO_PEERGROUPS, since the ACL's `group=` and a group-readable
    /// include depend on them), with CAP_NET_ADMIN alone, exactly as the setuid helper narrows
    /// itself. The service is root, or (the unit's DynamicUser=) a system user holding the
    /// four capabilities `brokerCapabilitiesMissing` names.
    public static func narrow(toPeer peer: CallerIdentity) throws(HelperFailure) {
        if let missing = brokerCapabilitiesMissing() { throw failure("the broker lacks \(missing)") }
        try becomeKeepingCapabilities(uid: peer.uid, gid: peer.gid, groups: peer.supplementaryGroups)
        try finish(.brokerPeer, uid: peer.uid, gid: peer.gid)
    }

    /// What the broker needs to become its callers, by name, if any is not permitted: to switch
    /// ids (SETUID, SETGID), to empty the bounding set (SETPCAP), and for the tap (NET_ADMIN).
    public static func brokerCapabilitiesMissing() -> Message? {
        let needed: [(Int32, Message)] = [
            (CAP_SETUID, "CAP_SETUID"), (CAP_SETGID, "CAP_SETGID"), (CAP_SETPCAP, "CAP_SETPCAP"),
            (CAP_NET_ADMIN, "CAP_NET_ADMIN"),
        ]
        let missing = needed.filter { !hasPermitted($0.0) }.map(\.1)
        guard let first = missing.first else { return nil }
        return missing.dropFirst().reduce(first) { "\($0), \($1)" }
    }

    /// Root's (or the broker's) way down: the bounding and ambient sets emptied, then the
    /// switch with keepcaps.
    static func becomeKeepingCapabilities(uid: uid_t, gid: gid_t, groups: [gid_t]?) throws(HelperFailure) {
        try dropBoundingAndAmbient()
        do { try IdentitySwitch.become(uid: uid, gid: gid, groups: groups, keepingCapabilities: true) } catch {
            switch error {
            case .call(let failed): throw failure(failed.message)
            case .mismatch(let found):
                throw failure(idsProblem(found, uid: uid, gid: gid) ?? "the ids or groups are not as expected")
            }
        }
    }

    /// CAP_NET_ADMIN alone (or nothing), no_new_privs, not dumpable; then all of it read back.
    /// A helper with no privilege stays dumpable: it holds nothing its caller could take, and
    /// the broker it asks must be able to read its network namespace (/proc/PID/ns/net).
    static func finish(_ source: PrivilegeSource, uid: uid_t, gid: gid_t) throws(HelperFailure) {
        try setCapabilities(keepingNetAdmin: source != .noPrivilege)
        try call("prctl(PR_SET_NO_NEW_PRIVS)") { sbh_prctl(sbh_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }
        if source != .noPrivilege {
            try call("prctl(PR_SET_DUMPABLE)") { sbh_prctl(sbh_PR_SET_DUMPABLE, 0, 0, 0, 0) }
        }
        try verify(source, uid: uid, gid: gid)
    }

    public static func realUserID() -> uid_t { getuid() }
    public static func realGroupID() -> gid_t { getgid() }

    static func hasRootID() throws(HelperFailure) -> Bool {
        let ids: RealEffectiveSaved
        do { ids = try ProcessCredentials.userIDs() } catch { throw failure(error.message) }
        return ids.real == 0 || ids.effective == 0 || ids.saved == 0
    }

    /// What is wrong with the ids the kernel holds, if anything: all three uids must be
    /// `uid`, all three gids `gid`.
    static func idsProblem(_ found: ProcessCredentials, uid: uid_t, gid: gid_t) -> Message? {
        if !found.userIDs.are(uid) { return "user ids are \(found.userIDs.message), expected \(uid)" }
        if !found.groupIDs.are(gid) { return "group ids are \(found.groupIDs.message), expected \(gid)" }
        return nil
    }

    static func failure(_ detail: Message) -> HelperFailure {
        HelperFailure("failed to drop privileges", hints: [detail])
    }

    /// One call of the drop (see `syscall`): its failure is the drop's, naming the call.
    static func call(_ name: StaticString, _ body: () -> Int32) throws(HelperFailure) {
        do { try syscall(name, body) } catch { throw failure(error.message) }
    }

    /// The same for libcap's calls that return a state, NULL on failure.
    static func call(_ name: StaticString, _ body: () -> cap_t?) throws(HelperFailure) -> cap_t {
        do { return try syscall(name, body) } catch { throw failure(error.message) }
    }

    /// The bounding set limits what any later exec could gain; we never exec, but an
    /// audited helper leaves nothing to gain. Only possible while we hold CAP_SETPCAP.
    static func dropBoundingAndAmbient() throws(HelperFailure) {
        for capability in allCapabilities() where cap_get_bound(capability) == 1 {
            // The capability's number in the message, formatted only on failure.
            do { try syscall("cap_drop_bound") { cap_drop_bound(capability) } } catch {
                throw failure("cap_drop_bound(\(capability)): \(error.text)")
            }
        }
        try call("cap_reset_ambient") { cap_reset_ambient() }
    }

    static func setCapabilities(keepingNetAdmin: Bool) throws(HelperFailure) {
        try withIntendedState(keepingNetAdmin: keepingNetAdmin) { (state: cap_t) throws(HelperFailure) in
            try call("cap_set_proc") { cap_set_proc(state) }
        }
    }

    /// Runs `body` with the state we mean to hold: CAP_NET_ADMIN permitted and effective if
    /// kept, and nothing else in any set. The drop sets it; the verification compares with it.
    static func withIntendedState(
        keepingNetAdmin: Bool, _ body: (cap_t) throws(HelperFailure) -> Void
    ) throws(HelperFailure) {
        let state = try call("cap_init") { cap_init() }
        defer { cap_free(UnsafeMutableRawPointer(state)) }
        if keepingNetAdmin {
            var netAdmin = cap_value_t(CAP_NET_ADMIN)
            try call("cap_set_flag") { cap_set_flag(state, CAP_PERMITTED, 1, &netAdmin, CAP_SET) }
            try call("cap_set_flag") { cap_set_flag(state, CAP_EFFECTIVE, 1, &netAdmin, CAP_SET) }
        }
        try body(state)
    }

    static func allCapabilities() -> ClosedRange<cap_value_t> {
        0...cap_value_t(cap_max_bits() - 1)
    }

    static func hasPermitted(_ capability: Int32) -> Bool {
        guard let state = try? syscall("cap_get_proc", { cap_get_proc() }) else { return false }
        defer { cap_free(UnsafeMutableRawPointer(state)) }
        return flag(state, CAP_PERMITTED, cap_value_t(capability))
    }

    /// One flag of one capability in a state read once with cap_get_proc.
    static func flag(_ state: cap_t, _ set: cap_flag_t, _ capability: cap_value_t) -> Bool {
        var value = CAP_CLEAR
        return cap_get_flag(state, capability, set, &value) == 0 && value == CAP_SET
    }

    /// Reads back what the kernel now holds for us; any surprise is fatal. The read-backs are
    /// compared, not trusted: a query that fails (-1) reads as a difference.
    static func verify(_ source: PrivilegeSource, uid: uid_t, gid: gid_t) throws(HelperFailure) {
        let found: ProcessCredentials
        do { found = try ProcessCredentials.current(readingGroups: false) } catch { throw failure(error.message) }
        if let problem = idsProblem(found, uid: uid, gid: gid) { throw failure(problem) }
        // One read of the kernel's state serves every check below: it cannot change under us.
        let state = try call("cap_get_proc") { cap_get_proc() }
        defer { cap_free(UnsafeMutableRawPointer(state)) }
        // The ambient set is read back for CAP_NET_ADMIN alone (one prctl, not one per
        // capability): the kernel keeps ambient within permitted and inheritable, and the
        // comparison below proves inheritable empty and CAP_NET_ADMIN the only capability permitted.
        guard cap_get_ambient(cap_value_t(CAP_NET_ADMIN)) == 0 else {
            throw failure("capability \(CAP_NET_ADMIN) is not as expected after the drop")
        }
        try withIntendedState(keepingNetAdmin: source != .noPrivilege) { (intended: cap_t) throws(HelperFailure) in
            // All three sets of every capability in one comparison; only a difference pays for
            // finding which capability to name.
            guard cap_compare(state, intended) != 0 else { return }
            let differing = allCapabilities().first { capability in
                [CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE].contains {
                    flag(state, $0, capability) != flag(intended, $0, capability)
                }
            }
            throw failure(
                "\(differing.map { "capability \(Int32($0))" } ?? "the capability state") is not as expected after the drop"
            )
        }
        if source == .setuidRoot || source == .rootCaller || source == .brokerPeer {
            for capability in allCapabilities() where cap_get_bound(capability) != 0 {
                throw failure("capability \(Int32(capability)) is still in the bounding set")
            }
        }
        guard sbh_prctl(sbh_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
            source == .noPrivilege || sbh_prctl(sbh_PR_GET_DUMPABLE, 0, 0, 0, 0) == 0
        else { throw failure("no_new_privs or dumpable not set") }
    }

    /// What to tell a person when the binary has no privilege at all.
    public static func missingPrivilege(callerSetNoNewPrivs: Bool) -> HelperFailure {
        let path = executablePath() ?? "/usr/libexec/swift-bridge-helper"
        var hints: [Message] = [
            "grant it with: setcap cap_net_admin+ep \(path)",
            "or, on a file system without extended attributes: chown root:root \(path) && chmod u+s \(path)",
        ]
        if callerSetNoNewPrivs {
            hints.append(
                "note: the caller runs with no_new_privs set (a sandbox, or systemd's NoNewPrivileges=yes), which makes the kernel ignore file capabilities and setuid"
            )
        }
        return HelperFailure(
            "swift-bridge-helper has no CAP_NET_ADMIN: it needs the cap_net_admin file capability or setuid root",
            hints: hints)
    }

    static func executablePath() -> Message? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = try? syscall("readlink") {
            buffer.withUnsafeMutableBytes {
                readlink("/proc/self/exe", $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
            }
        }
        guard let length, length > 0 else { return nil }
        return Message(bytes: Array(buffer[..<length]))
    }
}
