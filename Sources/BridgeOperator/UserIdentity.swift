import BridgePolicy
import BridgeSystem
import CBridgeShim
@preconcurrency import Glibc

/// A user as the helper would see them when they run it: uid, primary gid and the
/// supplementary groups a login gives them.
public struct UserIdentity: Equatable, Sendable {
    public var name: String
    public var uid: uid_t
    public var gid: gid_t
    public var groups: [gid_t]

    public enum Problem: Error, CustomStringConvertible {
        case unknownUser(String)
        case notRoot
        case switchFailed(String)
        public var description: String {
            switch self {
            case .unknownUser(let name): return "no such user: \(name)"
            case .notRoot: return "--user needs root (only root can read the files as another user)"
            case .switchFailed(let why): return "could not become the user: \(why)"
            }
        }
    }

    /// By name or uid, from the account files. Not through NSS: in a static executable
    /// glibc's NSS modules (libnss_systemd, sssd) are loaded into a process with its own
    /// libc and crash, so the tool reads /etc/passwd and /etc/group itself; the groups are
    /// those a login through `files` gives (primary plus every group that lists the user).
    public static func lookup(_ nameOrUID: String, accounts: AccountFiles = .system) throws(Problem) -> UserIdentity {
        guard let user = accounts.user(named: nameOrUID) ?? UInt32(nameOrUID).flatMap({ accounts.user(withID: $0) })
        else { throw .unknownUser(nameOrUID) }
        return user
    }

    /// Becomes this user for good: groups, then gid, then uid (the order in which each
    /// step still has the privilege the next needs), and checks the result. Nothing after
    /// `explain` reads needs root, so the process does not keep a way back: no thread-level
    /// credential tricks, no forked child to keep in step, the same drop the helper makes.
    public func become() throws(Problem) {
        guard geteuid() == 0 else { throw .notRoot }
        guard setgroups(groups.count, groups) == 0 else { throw .switchFailed("setgroups: \(errorText(errno).description)") }
        guard sbh_setresgid(gid, gid, gid) == 0 else { throw .switchFailed("setresgid: \(errorText(errno).description)") }
        guard sbh_setresuid(uid, uid, uid) == 0 else { throw .switchFailed("setresuid: \(errorText(errno).description)") }
        var r: uid_t = 0, e: uid_t = 0, s: uid_t = 0
        var rg: gid_t = 0, eg: gid_t = 0, sg: gid_t = 0
        guard sbh_getresuid(&r, &e, &s) == 0, [r, e, s] == [uid, uid, uid],
            sbh_getresgid(&rg, &eg, &sg) == 0, [rg, eg, sg] == [gid, gid, gid],
            Set(currentGroups()) == Set(groups)
        else {
            throw .switchFailed("the kernel reports uids \(r)/\(e)/\(s), gids \(rg)/\(eg)/\(sg), groups \(currentGroups()) afterwards")
        }
    }

    func currentGroups() -> [gid_t] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let filled = getgroups(count, &groups)
        return Array(groups.prefix(Int(max(filled, 0))))
    }

    /// Whoever this process is now.
    public static func current(accounts: AccountFiles = .system) -> UserIdentity {
        let uid = getuid()
        let name = accounts.user(withID: uid)?.name ?? String(uid)
        var identity = UserIdentity(name: name, uid: uid, gid: getgid(), groups: [])
        identity.groups = identity.currentGroups()
        return identity
    }
}
