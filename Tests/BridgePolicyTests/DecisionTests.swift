// Contract section 3, the decision: deny wins, default deny, names compared byte for byte.
import Testing

@testable import BridgePolicy

/// The rules of a one-file ACL, parsed by the real grammar so the tests read like bridge.conf.
private func rules(_ acl: String) -> [ACLRule] {
    var fileSystem = InMemoryFileSystem()
    fileSystem.addFile("/etc/qemu/bridge.conf", acl)
    let result = ACLLoader(source: fileSystem).load(bytes("/etc/qemu/bridge.conf"))
    precondition(result.succeeded, "test ACL does not parse: \(acl)")
    return result.rules
}

private func decide(_ bridge: String, _ acl: String) -> Decision {
    decide(bridge: bytes(bridge), rules: rules(acl))
}

@Suite struct AccessDecision {
    @Test(arguments: [
        // bridge, acl, expected reason
        ("br0", "allow br0\n", "allowed by /etc/qemu/bridge.conf:1"),
        ("br0", "allow br1\nallow br0\nallow br0\n", "allowed by /etc/qemu/bridge.conf:2"),
        ("br0", "allow all\n", "allowed by /etc/qemu/bridge.conf:1"),
        ("br1", "allow all\ndeny br0\n", "allowed by /etc/qemu/bridge.conf:1"),
        // Default deny.
        ("br0", "", "denied: no rule allows it"),
        ("br0", "# nothing\n", "denied: no rule allows it"),
        ("br0", "allow br1\n", "denied: no rule allows it"),
        ("br0", "deny br1\n", "denied: no rule allows it"),
        // Deny wins, whichever comes first.
        ("br0", "allow br0\ndeny br0\n", "denied by /etc/qemu/bridge.conf:2"),
        ("br0", "deny br0\nallow br0\n", "denied by /etc/qemu/bridge.conf:1"),
        ("br0", "allow all\ndeny br0\n", "denied by /etc/qemu/bridge.conf:2"),
        ("br0", "deny all\nallow br0\n", "denied by /etc/qemu/bridge.conf:1"),
        ("br0", "allow br0\ndeny all\n", "denied by /etc/qemu/bridge.conf:2"),
        ("br0", "allow all\ndeny all\n", "denied by /etc/qemu/bridge.conf:2"),
        // The first matching deny is the one reported.
        ("br0", "deny br0\ndeny all\n", "denied by /etc/qemu/bridge.conf:1"),
        ("br0", "allow br0\ndeny all\ndeny br0\n", "denied by /etc/qemu/bridge.conf:2"),
        // Names are compared exactly: case, prefixes, `all` spelled otherwise.
        ("br0", "allow BR0\n", "denied: no rule allows it"),
        ("br0", "allow br\n", "denied: no rule allows it"),
        ("br", "allow br0\n", "denied: no rule allows it"),
        ("ALL", "allow ALL\n", "allowed by /etc/qemu/bridge.conf:1"),
        ("br0", "allow ALL\n", "denied: no rule allows it"),
        // An empty argument names no bridge.
        ("br0", "allow \n", "denied: no rule allows it"),
    ])
    func decides(bridge: String, acl: String, reason: String) {
        let decision = decide(bridge, acl)
        #expect(decision.reason.bytes == bytes(reason))
        #expect(decision.isAllowed == reason.hasPrefix("allowed"))
    }

    /// `bré` precomposed (NFC: 62 72 C3 A9) and decomposed (NFD: 62 72 65 CC 81) look the
    /// same and Swift's String calls them equal; the kernel, and so the ACL, must not.
    @Test(arguments: [
        ("br\u{E9}", "allow bre\u{301}\n"),
        ("bre\u{301}", "allow br\u{E9}\n"),
    ])
    func unicodeEquivalentNamesDoNotMatch(bridge: String, acl: String) {
        #expect(bridge == String(acl.dropFirst(6).dropLast()), "the two spellings are equal as Swift strings")
        #expect(!decide(bridge, acl).isAllowed)
        #expect(decide(bridge, "allow \(bridge)\n").isAllowed)
    }

    @Test func unicodeEquivalentNamesDoNotDenyEachOther() {
        #expect(decide("br\u{E9}", "allow all\ndeny bre\u{301}\n").isAllowed)
    }

    @Test func nonUTF8NamesMatchByteForByte() {
        let name: [UInt8] = [0x62, 0x72, 0xFF]
        let rule = ACLRule(action: .allow, target: .bridge(name), location: SourceLocation(file: bytes("f"), line: 1))
        #expect(decide(bridge: name, rules: [rule]).isAllowed)
        #expect(
            !decide(bridge: [0x62, 0x72, 0xEF, 0xBF, 0xBD], rules: [rule]).isAllowed, "not the replacement character")
    }

    @Test func reportsTheRuleThatDecided() {
        let acl = rules("allow br0\ndeny br0\n")
        #expect(decide(bridge: bytes("br0"), rules: acl) == .denied(by: acl[1]))
        #expect(decide(bridge: bytes("br0"), rules: [acl[0]]) == .allowed(by: acl[0]))
        #expect(decide(bridge: bytes("br1"), rules: acl) == .denied(by: nil))
    }

    @Test func theDeniedLineIsTheCHelpers() {
        #expect(Decision.deniedMessage == "access denied by acl file")
    }
}

struct FilePermissionsTests {
    let alice = CallerIdentity(uid: 1000, gid: 1000, supplementaryGroups: [27])

    @Test func theOwnersBitsApplyToTheOwnerEvenWhenOthersMayRead() {
        // 0044: everyone but the owner may read; the kernel then refuses the owner.
        #expect(!FilePermissions(mode: 0o044, owner: 1000, group: 0).allows(.read, to: alice))
        #expect(FilePermissions(mode: 0o400, owner: 1000, group: 0).allows(.read, to: alice))
    }

    @Test func theGroupsBitsApplyToAnyMemberPrimaryOrSupplementary() {
        #expect(FilePermissions(mode: 0o640, owner: 0, group: 27).allows(.read, to: alice))
        #expect(FilePermissions(mode: 0o640, owner: 0, group: 1000).allows(.read, to: alice))
        #expect(!FilePermissions(mode: 0o604, owner: 0, group: 27).allows(.read, to: alice))
        #expect(!FilePermissions(mode: 0o640, owner: 0, group: 4).allows(.read, to: alice))
    }

    @Test func othersBitsForEveryoneElse() {
        #expect(FilePermissions(mode: 0o644, owner: 0, group: 0).allows(.read, to: alice))
        #expect(!FilePermissions(mode: 0o600, owner: 0, group: 0).allows(.read, to: alice))
    }

    @Test func searchIsTheExecuteBit() {
        #expect(FilePermissions(mode: 0o751, owner: 0, group: 0).allows(.search, to: alice))
        #expect(!FilePermissions(mode: 0o754, owner: 0, group: 0).allows(.search, to: alice))
    }
}

/// `--br=storage0` where storage0 is an alternative name of br-secure.
@Suite struct OtherNamesOfTheBridge {
    let caller = CallerIdentity(uid: 1000, gid: 1000)
    func decide(_ requested: String, others: [String], _ acl: String) -> Decision {
        BridgePolicy.decide(bridge: bytes(requested), otherNames: others.map(bytes), caller: caller, rules: rules(acl))
    }

    @Test func aDenyOfTheKernelNameWinsOverAllowAll() {
        #expect(
            decide("storage0", others: ["br-secure"], "allow all\ndeny br-secure\n").reason
                == "denied by /etc/qemu/bridge.conf:2")
    }

    @Test func aDenyOfAnAlternativeNameWinsWhenTheKernelNameIsAsked() {
        #expect(
            decide("br-secure", others: ["storage0"], "allow all\ndeny storage0\n").reason
                == "denied by /etc/qemu/bridge.conf:2")
    }

    @Test func anAllowCountsOnlyForTheNameAskedForAsInTheCHelper() {
        #expect(decide("storage0", others: ["br-secure"], "allow storage0\n").isAllowed)
        #expect(
            !decide("storage0", others: ["br-secure"], "allow br-secure\n").isAllowed,
            "the C helper would deny: never grant more")
    }

    @Test func withoutOtherNamesTheDecisionIsTheCHelpers() {
        #expect(decide("br0", others: [], "allow all\ndeny br1\n").isAllowed)
    }
}
