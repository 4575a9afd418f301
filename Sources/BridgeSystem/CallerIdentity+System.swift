import BridgePolicy
@preconcurrency import Glibc

extension CallerIdentity {
    /// This process's real uid, gid and supplementary groups: after the privilege drop,
    /// exactly the caller's (setresuid/setresgid leave the supplementary groups alone).
    /// Without its groups the caller cannot be matched against `group=`, so a failure
    /// stops the helper rather than deciding without them.
    public static func current() throws(HelperFailure) -> CallerIdentity {
        let count = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let read = count < 0 ? -1 : getgroups(count, &groups)
        guard read >= 0 else { throw HelperFailure("failed to read the caller's groups: \(errorText(errno))") }
        return CallerIdentity(uid: getuid(), gid: getgid(), supplementaryGroups: Array(groups.prefix(Int(read))))
    }
}
