import BridgePolicy
import BridgeSystem
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

    /// Becomes this user for good, groups included, through the helper's own switch
    /// (IdentitySwitch), which reads the result back. Nothing after `explain` reads needs
    /// root, so the process does not keep a way back: no thread-level credential tricks, no
    /// forked child to keep in step, the same drop the helper makes.
    public func become() throws(Problem) {
        guard geteuid() == 0 else { throw .notRoot }
        do { try IdentitySwitch.become(uid: uid, gid: gid, groups: groups) } catch {
            switch error {
            case .call(let failed):
                throw .switchFailed(failed.message.description)
            case .mismatch(let found):
                throw .switchFailed("the kernel reports uids \(found.userIDs.message), gids \(found.groupIDs.message), groups \(found.groups ?? []) afterwards")
            }
        }
    }

    /// Whoever this process is now.
    public static func current(accounts: AccountFiles = .system) -> UserIdentity {
        let uid = getuid()
        let name = accounts.user(withID: uid)?.name ?? String(uid)
        return UserIdentity(name: name, uid: uid, gid: getgid(), groups: (try? ProcessCredentials.supplementaryGroups()) ?? [])
    }
}
