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
        case accountsUnavailable(Message)
        case notRoot
        case switchFailed(String)
        public var description: String {
            switch self {
            case .unknownUser(let name): return "no such user: \(name)"
            case .accountsUnavailable(let why): return "cannot read the account files: \(why)"
            case .notRoot: return "--user needs root (only root can read the files as another user)"
            case .switchFailed(let why): return "could not become the user: \(why)"
            }
        }
    }

    /// The account files as the helper reads them for `user=` and `group=`.
    public static var systemAccounts: AccountFileDatabase { AccountFileDatabase(source: TrustedFileSource()) }

    /// By uid or name, from the account files. Not through NSS: in a static executable
    /// glibc's NSS modules (libnss_systemd, sssd) are loaded into a process with its own
    /// libc and crash, so the tool reads /etc/passwd and /etc/group with the helper's own
    /// parser; the groups are those a login through `files` gives (primary plus every group
    /// that lists the user). A number is a uid, as in the helper's `user=`.
    public static func lookup(
        _ nameOrUID: String, accounts: AccountFileDatabase = systemAccounts
    ) throws(Problem) -> UserIdentity {
        let users: [PasswdEntry]
        let groups: [GroupEntry]
        do throws(AccountFileProblem) {
            users = try accounts.passwd()
            groups = try accounts.group()
        } catch {
            throw .accountsUnavailable(error.message)
        }
        let key = Array(nameOrUID.utf8)
        let uid = AccountID.parse(key)
        guard let user = users.first(where: { user in uid.map { $0 == user.uid } ?? (user.name == key) }) else {
            throw .unknownUser(nameOrUID)
        }
        var ids = [user.gid]
        for group in groups where group.members.contains(user.name) && !ids.contains(group.gid) {
            ids.append(group.gid)
        }
        return UserIdentity(name: String(decoding: user.name, as: UTF8.self), uid: user.uid, gid: user.gid, groups: ids)
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
                throw .switchFailed(
                    "the kernel reports uids \(found.userIDs.message), gids \(found.groupIDs.message), groups \(found.groups ?? []) afterwards"
                )
            }
        }
    }

    /// Whoever this process is now; named by uid when the account files do not name it.
    public static func current(accounts: AccountFileDatabase = systemAccounts) -> UserIdentity {
        let uid = getuid()
        let entry = (try? accounts.passwd())?.first { $0.uid == uid }
        let name = entry.map { String(decoding: $0.name, as: UTF8.self) } ?? String(uid)
        return UserIdentity(
            name: name, uid: uid, gid: getgid(), groups: (try? ProcessCredentials.supplementaryGroups()) ?? [])
    }
}
