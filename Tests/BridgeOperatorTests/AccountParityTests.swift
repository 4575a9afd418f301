import BridgePolicy
import Testing

// The helper (`user=`/`group=` in bridge.conf) and `explain --user` read the account files
// with one parser: for every odd line they agree on the uid, or both refuse.
@testable import BridgeOperator

struct AccountParityTests {
    static let acl = "/etc/qemu/bridge.conf"

    enum HelperReading: Equatable {
        case success([UInt32]?)
        case failure(String)
    }

    /// The helper's reading: the ids `user=eve` (or the rule's `group=`) becomes, or the error that fails the ACL.
    static func helperUID(_ files: MemoryFiles, rule: String = "allow br0 user=eve") -> HelperReading {
        var files = files
        files.files[acl] = "require options\n\(rule)\n"
        let load = ACLLoader(source: files).load(Array(acl.utf8))
        guard load.succeeded else { return .failure(load.errors.map(\.message.description).joined()) }
        return .success(rule.contains("group=") ? load.rules.first?.options.groups : load.rules.first?.options.users)
    }

    static func operatorIdentity(
        _ files: MemoryFiles, _ name: String = "eve"
    ) -> Result<UserIdentity, UserIdentity.Problem> {
        Result { () throws(UserIdentity.Problem) in
            try UserIdentity.lookup(name, accounts: AccountFileDatabase(source: files))
        }
    }

    static func files(passwd: String, group: String = "eve:x:1000:\nkvm:x:27:eve\n") -> MemoryFiles {
        MemoryFiles(files: ["/etc/passwd": passwd, "/etc/group": group])
    }

    @Test(arguments: [
        // passwd, eve's uid for both (nil: both refuse), the refusal both give
        ("eve:x:1000:1000::/:/bin/sh\n", 1000 as UInt32?, nil as String?),
        ("#eve:x:0:0::/:/bin/sh\neve:x:1000:1000::/:/bin/sh\n", 1000, nil),
        (
            "eve:x:+1000:1000::/:/bin/sh\n", nil,
            "/etc/passwd:1: uid `+1000' is not a decimal number from 0 to 4294967294"
        ),
        (
            "eve:x:1000:+1000::/:/bin/sh\n", nil,
            "/etc/passwd:1: gid `+1000' is not a decimal number from 0 to 4294967294"
        ),
        (
            "eve:x:1000:1000\n", nil,
            "/etc/passwd:1: expected 7 fields (name:password:uid:gid:gecos:home:shell), found 4"
        ),
        (
            "eve:x:4294967296:1000::/:/bin/sh\n", nil,
            "/etc/passwd:1: uid `4294967296' is not a decimal number from 0 to 4294967294"
        ),
        (
            "root:x:0:0::/:/bin/sh\nbad line\neve:x:1000:1000::/:/bin/sh\n", nil,
            "/etc/passwd:2: expected 7 fields (name:password:uid:gid:gecos:home:shell), found 1"
        ),
    ])
    func bothReadEvesUIDAlike(passwd: String, uid: UInt32?, refusal: String?) {
        let files = Self.files(passwd: passwd)
        let helper = Self.helperUID(files)
        let tool = Self.operatorIdentity(files)
        if let uid {
            #expect(helper == .success([uid]))
            #expect((try? tool.get())?.uid == uid)
        } else {
            #expect(helper == .failure("cannot resolve user and group names: \(refusal ?? "")"))
            guard case .failure(.accountsUnavailable(let why)) = tool else {
                Issue.record("explain --user read \(tool)")
                return
            }
            #expect(why.description == refusal)
        }
    }

    @Test func aNISLineNamesNobodyForBoth() {
        let files = Self.files(passwd: "+eve::::::\n")
        #expect(
            Self.helperUID(files) == .failure("unknown user `eve' (give users that are not in /etc/passwd by number)"))
        guard case .failure(.unknownUser("eve")) = Self.operatorIdentity(files) else {
            Issue.record("explain --user found eve")
            return
        }
    }

    @Test func aNumberIsAUIDForBoth() {
        // A name that is all digits is not a name to either: `user=1000` and `--user 1000` are uid 1000.
        let files = Self.files(passwd: "1000:x:2000:2000::/:/bin/sh\neve:x:1000:1000::/:/bin/sh\n")
        #expect(Self.helperUID(files, rule: "allow br0 user=1000") == .success([1000]))
        #expect((try? Self.operatorIdentity(files, "1000").get())?.name == "eve")
    }

    @Test func anOddGroupLineRefusesForBoth() {
        let files = Self.files(passwd: "eve:x:1000:1000::/:/bin/sh\n", group: "kvm:x:+27:eve\n")
        let refusal = "/etc/group:1: gid `+27' is not a decimal number from 0 to 4294967294"
        #expect(
            Self.helperUID(files, rule: "allow br0 group=kvm")
                == .failure("cannot resolve user and group names: \(refusal)"))
        guard case .failure(.accountsUnavailable(let why)) = Self.operatorIdentity(files) else {
            Issue.record("explain --user read the groups")
            return
        }
        #expect(why.description == refusal)
    }
}
