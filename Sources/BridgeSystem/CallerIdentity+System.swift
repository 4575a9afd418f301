import BridgePolicy
@preconcurrency import Glibc

extension CallerIdentity {
    /// This process's real uid, gid and supplementary groups: after the privilege drop,
    /// exactly the caller's (setresuid/setresgid leave the supplementary groups alone).
    /// Without its groups the caller cannot be matched against `group=`, so a failure
    /// stops the helper rather than deciding without them.
    public static func current() throws(HelperFailure) -> CallerIdentity {
        let groups: [gid_t]
        do { groups = try ProcessCredentials.supplementaryGroups() } catch {
            throw HelperFailure("failed to read the caller's groups: \(error.text)")
        }
        return CallerIdentity(uid: getuid(), gid: getgid(), supplementaryGroups: groups)
    }
}
