import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Becoming one user for good: supplementary groups (when given), then gid, then uid, the
/// order in which each step still has the privilege the next needs; then what the kernel
/// holds is read back and compared. The helper's drop under setuid root (Privileges.narrow,
/// keeping the caller's groups and, with keepcaps, CAP_NET_ADMIN) and `helperctl explain
/// --user` both switch through here. Real, effective and saved ids all change: no way back.
public enum IdentitySwitch {
    public enum Failure: Error, Equatable {
        /// A call failed.
        case call(SystemError)
        /// Every call succeeded and the kernel holds something else: what it holds.
        case mismatch(ProcessCredentials)
    }

    /// `keepingCapabilities`: PR_SET_KEEPCAPS around the switch, so that leaving uid 0 keeps
    /// the permitted set for the caller to narrow next (set again to 0 afterwards).
    @discardableResult
    public static func become(
        uid: uid_t, gid: gid_t, groups: [gid_t]?, keepingCapabilities: Bool = false
    ) throws(Failure) -> ProcessCredentials {
        let found: ProcessCredentials
        do {
            if keepingCapabilities {
                try syscall("prctl(PR_SET_KEEPCAPS)") { sbh_prctl(sbh_PR_SET_KEEPCAPS, 1, 0, 0, 0) }
            }
            if let groups { try syscall("setgroups") { setgroups(groups.count, groups) } }
            try syscall("setresgid") { sbh_setresgid(gid, gid, gid) }
            try syscall("setresuid") { sbh_setresuid(uid, uid, uid) }
            if keepingCapabilities {
                try syscall("prctl(PR_SET_KEEPCAPS)") { sbh_prctl(sbh_PR_SET_KEEPCAPS, 0, 0, 0, 0) }
            }
            found = try ProcessCredentials.current(readingGroups: groups != nil)
        } catch {
            throw .call(error)
        }
        let groupsMatch = groups.map { Set(found.groups ?? []) == Set($0) } ?? true
        guard found.userIDs.are(uid), found.groupIDs.are(gid), groupsMatch else { throw .mismatch(found) }
        return found
    }
}
