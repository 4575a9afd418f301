/// One account of /etc/passwd: `name:password:uid:gid:gecos:home:shell`.
public struct PasswdEntry: Equatable, Sendable {
    public var name: [UInt8]
    public var uid: UInt32
    public var gid: UInt32

    public init(name: [UInt8], uid: UInt32, gid: UInt32) {
        self.name = name
        self.uid = uid
        self.gid = gid
    }
}

/// One group of /etc/group: `name:password:gid:member,member...`.
public struct GroupEntry: Equatable, Sendable {
    public var name: [UInt8]
    public var gid: UInt32
    public var members: [[UInt8]]

    public init(name: [UInt8], gid: UInt32, members: [[UInt8]]) {
        self.name = name
        self.gid = gid
        self.members = members
    }
}

/// Why an account file cannot be used: `FILE:LINE: why`, or why it could not be read.
public struct AccountFileProblem: Error, Equatable, Sendable {
    public var message: Message

    public init(_ message: Message) { self.message = message }
}

/// The one reader of /etc/passwd and /etc/group: the helper's (`user=`, `group=` names) and
/// the operator tool's (`explain --user`), so that both see the same accounts.
///
/// Strict, because an entry read differently from the rest of the system (glibc takes
/// `+1000` and an empty uid as numbers) could move a `deny` to another uid: empty lines,
/// `#` comments and NIS compat lines (`+...`, `-...`, which name nobody here) are skipped;
/// every other line must start with its name (glibc skips white space there), have exactly
/// the file's fields, plain decimal ids below 4294967295 and no empty member, or the whole
/// file is refused at that line.
public enum AccountFile {
    public static func passwd(_ contents: [UInt8], path: [UInt8]) throws(AccountFileProblem) -> [PasswdEntry] {
        try entries(contents, path: path, layout: "name:password:uid:gid:gecos:home:shell") {
            (fields) throws(AccountFileProblem) -> PasswdEntry in
            PasswdEntry(name: Array(fields[0]), uid: try id(fields[2], "uid"), gid: try id(fields[3], "gid"))
        }
    }

    public static func group(_ contents: [UInt8], path: [UInt8]) throws(AccountFileProblem) -> [GroupEntry] {
        try entries(contents, path: path, layout: "name:password:gid:members") {
            (fields) throws(AccountFileProblem) -> GroupEntry in
            // An empty field is a group without members; an empty name inside a list is not.
            let members =
                fields[3].isEmpty ? [] : fields[3].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            if members.contains(where: \.isEmpty) {
                throw AccountFileProblem("the member list `\(fields[3])' has an empty name")
            }
            return GroupEntry(name: Array(fields[0]), gid: try id(fields[2], "gid"), members: members.map(Array.init))
        }
    }

    /// Splits each line at `:` into the fields `layout` names and makes an entry of them;
    /// the first line that is neither an entry nor skipped refuses the file.
    static func entries<Entry>(
        _ contents: [UInt8], path: [UInt8], layout: StaticString,
        _ make: ([ArraySlice<UInt8>]) throws(AccountFileProblem) -> Entry
    ) throws(AccountFileProblem) -> [Entry] {
        let fieldCount = layout.withUTF8Buffer { $0.filter { $0 == UInt8(ascii: ":") }.count } + 1
        var entries: [Entry] = []
        for (index, line) in FileLines(contents).enumerated() {
            if line.isEmpty
                || [UInt8(ascii: "#"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(line[line.startIndex])
            {
                continue
            }
            let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            do throws(AccountFileProblem) {
                guard fields.count == fieldCount else {
                    throw AccountFileProblem(
                        "expected \(fieldCount) fields (\(layout.description)), found \(fields.count)")
                }
                guard let first = fields[0].first else { throw AccountFileProblem("the name is empty") }
                guard !isASCIISpace(first) else { throw AccountFileProblem("the line starts with white space") }
                entries.append(try make(fields))
            } catch {
                throw AccountFileProblem("\(path):\(index + 1): \(error.message)")
            }
        }
        return entries
    }

    static func id(_ text: ArraySlice<UInt8>, _ what: StaticString) throws(AccountFileProblem) -> UInt32 {
        guard let id = AccountID.parse(Array(text)) else {
            throw AccountFileProblem("\(what.description) `\(text)' is not a decimal number from 0 to 4294967294")
        }
        return id
    }
}
