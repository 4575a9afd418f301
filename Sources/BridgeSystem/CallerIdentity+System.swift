import BridgePolicy
@preconcurrency import Glibc

extension CallerIdentity {
    /// This process's real uid, gid and supplementary groups: after the privilege drop,
    /// exactly the caller's (setresuid/setresgid leave the supplementary groups alone).
    /// Without its groups the caller cannot be matched against `group=`, so a failure
    /// stops the helper rather than deciding without them.
    public static func current() throws(HelperFailure) -> CallerIdentity {
        let groups: [gid_t]
        do { groups = try BridgeSystem.supplementaryGroups() } catch {
            throw HelperFailure("failed to read the caller's groups: \(error.text)")
        }
        return CallerIdentity(uid: getuid(), gid: getgid(), supplementaryGroups: groups)
    }
}

/// This process's supplementary groups, as getgroups(2) lists them.
func supplementaryGroups() throws(SystemError) -> [gid_t] {
    let count = try syscall("getgroups") { getgroups(0, nil) }
    var groups = [gid_t](repeating: 0, count: Int(count))
    let read = try syscall("getgroups") { getgroups(count, &groups) }
    return Array(groups.prefix(Int(read)))
}
