/// /etc/passwd and /etc/group, read as text (see `UserIdentity.lookup` for why not NSS).
public struct AccountFiles: Sendable {
    public var passwd: String
    public var group: String

    public init(passwd: String, group: String) {
        self.passwd = passwd
        self.group = group
    }

    public static var system: AccountFiles {
        AccountFiles(passwd: FileFacts.text("/etc/passwd") ?? "", group: FileFacts.text("/etc/group") ?? "")
    }

    /// `name:password:uid:gid:...` lines; the first entry for a name or uid wins, as in NSS.
    func users() -> [(name: String, uid: UInt32, gid: UInt32)] {
        fields(passwd).compactMap { field in
            guard field.count >= 4, let uid = UInt32(field[2]), let gid = UInt32(field[3]) else { return nil }
            return (field[0], uid, gid)
        }
    }

    public func user(named name: String) -> UserIdentity? {
        users().first { $0.name == name }.map(identity)
    }

    public func user(withID uid: UInt32) -> UserIdentity? {
        users().first { $0.uid == uid }.map(identity)
    }

    func identity(_ user: (name: String, uid: UInt32, gid: UInt32)) -> UserIdentity {
        // `name:password:gid:member,member` lines that list the user.
        let supplementary = fields(group).compactMap { field -> UInt32? in
            guard field.count >= 4, let gid = UInt32(field[2]),
                field[3].split(separator: ",").contains(where: { $0 == user.name })
            else { return nil }
            return gid
        }
        var groups = [user.gid]
        for gid in supplementary where !groups.contains(gid) { groups.append(gid) }
        return UserIdentity(name: user.name, uid: user.uid, gid: user.gid, groups: groups)
    }

    func fields(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
    }
}
