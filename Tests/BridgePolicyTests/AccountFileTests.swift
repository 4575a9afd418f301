// /etc/passwd and /etc/group as the helper and the operator tool read them (AccountFile):
// what is skipped, what refuses the whole file, and where.
import Testing

@testable import BridgePolicy

private let passwdPath = Array("/etc/passwd".utf8)
private let groupPath = Array("/etc/group".utf8)

private func passwd(_ text: String) -> Result<[PasswdEntry], AccountFileProblem> {
    Result { () throws(AccountFileProblem) in try AccountFile.passwd(Array(text.utf8), path: passwdPath) }
}

private func group(_ text: String) -> Result<[GroupEntry], AccountFileProblem> {
    Result { () throws(AccountFileProblem) in try AccountFile.group(Array(text.utf8), path: groupPath) }
}

@Test func entriesInFileOrderWithoutCommentsBlankAndNISLines() {
    let text =
        "root:x:0:0:root:/root:/bin/bash\n# eve:x:0:0::/:/bin/sh\n\n+eve::::::\n-bob::::::\n+\neve:x:1000:1001::/home/eve:/bin/sh"
    #expect(
        passwd(text)
            == .success([
                PasswdEntry(name: Array("root".utf8), uid: 0, gid: 0),
                PasswdEntry(name: Array("eve".utf8), uid: 1000, gid: 1001),
            ]))
    #expect(
        group("root:x:0:\nkvm:x:27:alice,bob\n#kvm:x:28:\n")
            == .success([
                GroupEntry(name: Array("root".utf8), gid: 0, members: []),
                GroupEntry(name: Array("kvm".utf8), gid: 27, members: [Array("alice".utf8), Array("bob".utf8)]),
            ]))
}

@Test(arguments: [
    ("eve:x:+1000:1000::/:/bin/sh", "/etc/passwd:2: uid `+1000' is not a decimal number from 0 to 4294967294"),
    ("eve:x:1000:+1000::/:/bin/sh", "/etc/passwd:2: gid `+1000' is not a decimal number from 0 to 4294967294"),
    ("eve:x:-1:1000::/:/bin/sh", "/etc/passwd:2: uid `-1' is not a decimal number from 0 to 4294967294"),
    ("eve:x::1000::/:/bin/sh", "/etc/passwd:2: uid `' is not a decimal number from 0 to 4294967294"),
    ("eve:x: 1000:1000::/:/bin/sh", "/etc/passwd:2: uid ` 1000' is not a decimal number from 0 to 4294967294"),
    ("eve:x:0x10:1000::/:/bin/sh", "/etc/passwd:2: uid `0x10' is not a decimal number from 0 to 4294967294"),
    (
        "eve:x:4294967295:1000::/:/bin/sh",
        "/etc/passwd:2: uid `4294967295' is not a decimal number from 0 to 4294967294"
    ),
    (
        "eve:x:4294967296:1000::/:/bin/sh",
        "/etc/passwd:2: uid `4294967296' is not a decimal number from 0 to 4294967294"
    ),
    (
        "eve:x:99999999999999999999999:1000::/:/bin/sh",
        "/etc/passwd:2: uid `99999999999999999999999' is not a decimal number from 0 to 4294967294"
    ),
    ("eve:x:1000:1000", "/etc/passwd:2: expected 7 fields (name:password:uid:gid:gecos:home:shell), found 4"),
    (
        "eve:x:1000:1000::/:/bin/sh:extra",
        "/etc/passwd:2: expected 7 fields (name:password:uid:gid:gecos:home:shell), found 8"
    ),
    ("broken", "/etc/passwd:2: expected 7 fields (name:password:uid:gid:gecos:home:shell), found 1"),
    (":x:1000:1000::/:/bin/sh", "/etc/passwd:2: the name is empty"),
    (" eve:x:1000:1000::/:/bin/sh", "/etc/passwd:2: the line starts with white space"),
    ("\t", "/etc/passwd:2: expected 7 fields (name:password:uid:gid:gecos:home:shell), found 1"),
])
func anOddPasswdLineRefusesTheFile(line: String, message: String) {
    #expect(
        passwd("root:x:0:0:root:/root:/bin/bash\n\(line)\nzed:x:5:5::/:/bin/sh\n")
            == .failure(AccountFileProblem(Message(stringLiteral: message))))
}

@Test(arguments: [
    ("kvm:x:+27:alice", "/etc/group:1: gid `+27' is not a decimal number from 0 to 4294967294"),
    ("kvm:x:27", "/etc/group:1: expected 4 fields (name:password:gid:members), found 3"),
    ("kvm:x:27:alice:bob", "/etc/group:1: expected 4 fields (name:password:gid:members), found 5"),
    ("kvm:x:27:alice,", "/etc/group:1: the member list `alice,' has an empty name"),
    ("kvm:x:27:,alice", "/etc/group:1: the member list `,alice' has an empty name"),
])
func anOddGroupLineRefusesTheFile(line: String, message: String) {
    #expect(group("\(line)\nroot:x:0:\n") == .failure(AccountFileProblem(Message(stringLiteral: message))))
}
