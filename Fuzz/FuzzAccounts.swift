/// The accounts every carved file system starts with: /etc/passwd and /etc/group written from
/// these tables, so that `user=` and `group=` names resolve through the helper's own
/// AccountFileDatabase and the harness knows, independently, which ids they must give.
/// An input replaces them by carving its own /etc/passwd or /etc/group (`?` makes one unavailable).
enum FuzzAccounts {
    static let passwdPath: [UInt8] = Array("/etc/passwd".utf8)
    static let groupPath: [UInt8] = Array("/etc/group".utf8)

    static let users: [[UInt8]: UInt32] = [
        Array("root".utf8): 0, Array("alice".utf8): 1000, Array("bob".utf8): 1001,
        Array("mallory".utf8): 1002, Array("nobody".utf8): 65534,
    ]
    static let groups: [[UInt8]: UInt32] = [
        Array("root".utf8): 0, Array("kvm".utf8): 27, Array("alice".utf8): 1000,
        Array("vmlab".utf8): 2000, Array("nogroup".utf8): 65534,
    ]

    static var passwd: [UInt8] { file(users) { name, id in "\(name):x:\(id):\(id)::/home/\(name):/bin/sh" } }
    static var group: [UInt8] { file(groups) { name, id in "\(name):x:\(id):" } }

    private static func file(_ table: [[UInt8]: UInt32], _ line: (String, UInt32) -> String) -> [UInt8] {
        let lines = table.sorted { $0.value < $1.value }.map { line(String(decoding: $0.key, as: UTF8.self), $0.value) }
        return Array(lines.joined(separator: "\n").utf8) + [UInt8(ascii: "\n")]
    }

    /// The id a `user=`/`group=` entry must resolve to from these tables: a plain decimal below
    /// (uid_t)-1 is taken as the id itself, a name is looked up; nil for a name not in the table.
    static func expectedID(_ entry: [UInt8], in table: [[UInt8]: UInt32]) -> UInt32? {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        if !entry.isEmpty, entry.count <= 10, entry.allSatisfy(digits.contains) {
            let value = entry.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - digits.lowerBound) }
            return value < UInt64(UInt32.max) ? UInt32(value) : nil
        }
        return table[entry]
    }
}
