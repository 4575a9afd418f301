import BridgePolicy
import BridgeSystem
import Glibc
import Testing

@testable import BridgeOperator

/// An ACL kept in memory, so the decision table runs without root-owned files.
struct MemoryFiles: ACLFileSource {
    var files: [String: String]
    func read(_ path: [UInt8]) -> ACLFileRead {
        let key = String(decoding: path, as: UTF8.self)
        guard let text = files[key] else { return .unavailable("No such file or directory") }
        return .contents(Array(text.utf8), FileIdentity(device: 1, inode: inode(of: key)))
    }

    /// One inode per path, the same in every run: its place among the paths (a hash changes
    /// per process and two paths can share one, which the loader would take for a cycle).
    func inode(of path: String) -> UInt64 {
        UInt64(files.keys.sorted().firstIndex(of: path)! + 1)
    }
}

struct ExplainTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var acl: String
        var bridge: String
        var allowed: Bool
        var rule: Int?  // the line of the deciding rule in /acl
        var testDescription: String { "\(bridge) in \(acl.debugDescription)" }
    }

    static let table: [Case] = [
        Case(acl: "allow br0\n", bridge: "br0", allowed: true, rule: 1),
        Case(acl: "allow br0\n", bridge: "br1", allowed: false, rule: nil),
        Case(acl: "allow all\n", bridge: "br7", allowed: true, rule: 1),
        Case(acl: "allow all\ndeny br7\n", bridge: "br7", allowed: false, rule: 2),
        Case(acl: "deny all\nallow br0\n", bridge: "br0", allowed: false, rule: 1),
        Case(acl: "allow br0\ndeny br1\n", bridge: "br0", allowed: true, rule: 1),
        Case(acl: "# nothing\n", bridge: "br0", allowed: false, rule: nil),
        Case(acl: "allow BR0\n", bridge: "br0", allowed: false, rule: nil),
        Case(acl: "allow ALL\n", bridge: "br0", allowed: false, rule: nil),
        Case(acl: "allow br0\nbogus\n", bridge: "br0", allowed: false, rule: nil),
        Case(acl: "include /sub\n", bridge: "br0", allowed: true, rule: nil),
        Case(acl: "include /missing\nallow br0\n", bridge: "br0", allowed: true, rule: 2),
        Case(acl: "allow br0\n", bridge: "0123456789abcdef", allowed: false, rule: nil),
        Case(acl: "allow all\n", bridge: "br/0", allowed: false, rule: nil),
    ]

    @Test(arguments: table)
    func explainAgreesWithDecide(_ row: Case) {
        let files = MemoryFiles(files: ["/acl": row.acl, "/sub": "allow br0\n"])
        let explanation = Explanation(
            bridge: Array(row.bridge.utf8), file: Array("/acl".utf8), source: files, otherNames: { _ in [] })
        #expect(explanation.isAllowed == row.allowed)
        // The helper's own path: the same loader and `decide`.
        let load = ACLLoader(source: files).load(Array("/acl".utf8))
        let helperAllows =
            explanation.nameProblem == nil && load.succeeded
            && decide(bridge: Array(row.bridge.utf8), rules: load.rules).isAllowed
        #expect(explanation.isAllowed == helperAllows)
        if let line = row.rule {
            switch explanation.decision {
            case .allowed(let rule)?: #expect(rule.location.line == line)
            case .denied(let rule?)?: #expect(rule.location.line == line)
            default: Issue.record("no deciding rule")
            }
        }
    }

    @Test func jsonNamesTheDecidingRule() {
        let files = MemoryFiles(files: ["/acl": "allow br0\ndeny br0\n"])
        let explanation = Explanation(
            bridge: Array("br0".utf8), file: Array("/acl".utf8), source: files, otherNames: { _ in [] })
        let json = JSONReport.encode(
            JSONReport.explain(explanation, user: UserIdentity(name: "u", uid: 1, gid: 2, groups: [3])))
        #expect(json.contains(#""allowed":false"#))
        #expect(json.contains(#""rule":{"action":"deny","file":"/acl","line":2,"target":"br0"}"#))
        #expect(json.contains(#""user":{"gid":2,"groups":[3],"name":"u","uid":1}"#))
    }

    @Test func aDenyOfAnotherNameOfTheBridgeDecidesAsInTheHelper() {
        let files = MemoryFiles(files: ["/acl": "allow all\ndeny br-secure\n"])
        let explanation = Explanation(
            bridge: Array("storage0".utf8), file: Array("/acl".utf8), source: files,
            otherNames: { _ in [Array("br-secure".utf8)] })
        #expect(!explanation.isAllowed)
        #expect(explanation.matchingRules.map(\.location.line) == [1, 2])
    }

    @Test(arguments: [
        (
            "allow br0\nbogus\n", "br0",
            ["Invalid config line:", "  bogus", "  at /acl:2", "failed to parse default acl file `/acl'"]
        ),
        (
            "frobnicate br0\n", "br0",
            ["Unknown command `frobnicate'", "  at /acl:1", "failed to parse default acl file `/acl'"]
        ),
        (
            "include /refused\n", "br0",
            ["/acl:1: include `/refused' refused: it is writable by others", "failed to parse default acl file `/acl'"]
        ),
        ("deny all\n", "br0", ["access denied by acl file"]),
        ("allow br1\n", "br0", ["access denied by acl file"]),
        ("allow all\n", "0123456789abcdef", ["name `0123456789abcdef' too long: 16"]),
        ("allow br0\n", "br0", []),
    ])
    func showsTheLinesTheHelperPrints(acl: String, bridge: String, lines: [String]) {
        let files = RefusingFiles(files: MemoryFiles(files: ["/acl": acl]), refused: ["/refused"])
        let explanation = Explanation(
            bridge: Array(bridge.utf8), file: Array("/acl".utf8), source: files, otherNames: { _ in [] })
        #expect(explanation.helperStderr.map(\.description) == lines)
        let json = JSONReport.explain(explanation, user: UserIdentity(name: "u", uid: 1, gid: 2, groups: []))
        #expect(json.helper_stderr == lines)
    }

    /// The helper stops, with its message, when the bridge's names cannot be looked up
    /// after the ACL loaded; an ACL that failed stops it before it looks.
    @Test func aBridgeWhoseNamesCannotBeLookedUpStopsAsTheHelperDoes() {
        let failure = BridgeNames.lookUpFailure(Array("br0".utf8), SystemError(call: "socket", errno: EMFILE))
        let lines = ["failed to look up interface `br0': Too many open files", "  nothing was created"]
        let explanation = Explanation(
            bridge: Array("br0".utf8), file: Array("/acl".utf8), source: MemoryFiles(files: ["/acl": "allow all\n"]),
            otherNames: { _ throws(HelperFailure) in throw failure })
        #expect(!explanation.isAllowed)
        #expect(explanation.decision == nil)
        #expect(explanation.outcome.description == "failed: failed to look up interface `br0': Too many open files")
        #expect(explanation.helperStderr.map(\.description) == lines)
        #expect(
            JSONReport.explain(explanation, user: UserIdentity(name: "u", uid: 1, gid: 2, groups: [])).helper_stderr
                == lines)

        let broken = Explanation(
            bridge: Array("br0".utf8), file: Array("/acl".utf8), source: MemoryFiles(files: ["/acl": "bogus\n"]),
            otherNames: { _ throws(HelperFailure) in throw failure })
        #expect(broken.helperStderr.last?.description == "failed to parse default acl file `/acl'")
    }

    /// The helper reads its caller's identity before it looks up the bridge, and stops if it
    /// cannot: explain predicts that failure, not a decision for an unknown caller.
    @Test func aCallerWhoseGroupsCannotBeReadStopsAsTheHelperDoes() {
        let unreadable = HelperFailure("failed to read the caller's groups: Too many open files")
        let lookUp = BridgeNames.lookUpFailure(Array("br0".utf8), SystemError(call: "socket", errno: EMFILE))
        let explanation = Explanation(
            bridge: Array("br0".utf8), file: Array("/acl".utf8), source: MemoryFiles(files: ["/acl": "allow all\n"]),
            otherNames: { _ throws(HelperFailure) in throw lookUp },
            caller: { () throws(HelperFailure) in throw unreadable })
        #expect(!explanation.isAllowed)
        #expect(explanation.decision == nil)
        #expect(explanation.outcome.description == "failed: failed to read the caller's groups: Too many open files")
        #expect(
            explanation.helperStderr.map(\.description) == ["failed to read the caller's groups: Too many open files"])
    }

    @Test func aMainFileThatCannotBeTrustedIsTheClosingLineThenWhy() {
        let files = RefusingFiles(files: MemoryFiles(files: [:]), refused: ["/acl"])
        let explanation = Explanation(
            bridge: Array("br0".utf8), file: Array("/acl".utf8), source: files, otherNames: { _ in [] })
        #expect(
            explanation.helperStderr == ["failed to parse default acl file `/acl'", "  /acl: it is writable by others"])
    }
}

/// MemoryFiles, with some paths refused as the helper's trust checks refuse them.
struct RefusingFiles: ACLFileSource {
    var files: MemoryFiles
    var refused: Set<String>
    func read(_ path: [UInt8]) -> ACLFileRead {
        refused.contains(String(decoding: path, as: UTF8.self))
            ? .refused("it is writable by others") : files.read(path)
    }
}
