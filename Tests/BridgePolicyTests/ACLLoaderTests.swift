// Contract section 3 (files and includes) and section 5 (relative includes, cycles,
// depth): the loader over an in-memory file system.
import Testing

@testable import BridgePolicy

private let mainPath = "/etc/qemu/bridge.conf"

private func load(_ files: [(path: String, contents: String)], limits: ACLLimits = .standard) -> ACLLoadResult {
    var fileSystem = InMemoryFileSystem()
    for file in files { fileSystem.addFile(file.path, file.contents) }
    return load(fileSystem, limits: limits)
}

private func load(_ fileSystem: InMemoryFileSystem, limits: ACLLimits = .standard) -> ACLLoadResult {
    ACLLoader(source: fileSystem, limits: limits).load(bytes(mainPath))
}

/// Rules as `FILE:LINE allow NAME` lines: one readable value to compare.
private func summary(_ rules: [ACLRule]) -> [String] {
    rules.map { rule in
        let action = rule.action == .allow ? "allow" : "deny"
        let target: String
        switch rule.target {
        case .all: target = "all"
        case .bridge(let name): target = String(decoding: name, as: UTF8.self)
        }
        return "\(rule.location) \(action) \(target)"
    }
}

private func rendered(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { $0.rendered.description }
}

@Suite struct MainACLFile {
    @Test func readsRulesInOrderWithTheirLines() {
        let result = load([(mainPath, "# QEMU bridges\n\nallow br0\n  deny br1\r\nallow all\n")])
        #expect(result.succeeded)
        #expect(result.diagnostics.isEmpty)
        #expect(
            summary(result.rules) == [
                "/etc/qemu/bridge.conf:3 allow br0",
                "/etc/qemu/bridge.conf:4 deny br1",
                "/etc/qemu/bridge.conf:5 allow all",
            ])
        #expect(result.filesRead == [bytes(mainPath)])
    }

    @Test func anEmptyFileParsesToNoRules() {
        let result = load([(mainPath, "")])
        #expect(result.succeeded)
        #expect(result.rules.isEmpty)
    }

    @Test func aMissingMainFileFails() {
        let result = load([])
        #expect(!result.succeeded)
        #expect(rendered(result.errors) == ["/etc/qemu/bridge.conf: No such file or directory"])
        #expect(result.errors.map(\.file) == [bytes(mainPath)])
        #expect(result.errors.map(\.location) == [nil])
    }

    @Test func anUntrustedMainFileFails() {
        var fileSystem = InMemoryFileSystem()
        fileSystem.addRefused(mainPath, because: "it is writable by its group or by others (mode 0664)")
        let result = load(fileSystem)
        #expect(!result.succeeded)
        #expect(
            rendered(result.errors) == ["/etc/qemu/bridge.conf: it is writable by its group or by others (mode 0664)"])
    }

    /// The C helper stops at the first bad line; the rules before it are still in the list,
    /// but the file has failed, so the helper denies everything.
    @Test func stopsAtTheFirstBadLine() {
        let result = load([(mainPath, "allow br0\n\nfoo bar\nallow br1\nbar baz\n")])
        #expect(!result.succeeded)
        #expect(summary(result.rules) == ["/etc/qemu/bridge.conf:1 allow br0"])
        #expect(rendered(result.errors) == ["Unknown command `foo'\n  at /etc/qemu/bridge.conf:3"])
    }

    @Test(arguments: [
        ("allow\n", "Invalid config line:\n  allow\n  at /etc/qemu/bridge.conf:1"),
        ("allow 0123456789abcdef\n", "name `0123456789abcdef' too long: 16\n  at /etc/qemu/bridge.conf:1"),
        (
            "# fine\nallow br\0\n",
            "/etc/qemu/bridge.conf:2: the line contains a NUL byte (the C helper would silently cut it there)"
        ),
    ])
    func reportsEachLineProblemWithItsLocation(contents: String, message: String) {
        let result = load([(mainPath, contents)])
        #expect(!result.succeeded)
        #expect(rendered(result.errors) == [message])
    }

    /// The loader reads nothing past the first error (lint reads on by loading again).
    @Test func theFirstBadLineEndsTheLoad() {
        let result = load([(mainPath, "allow br0\nallow\nallow br1\nfoo bar\n")])
        #expect(!result.succeeded)
        #expect(summary(result.rules) == ["/etc/qemu/bridge.conf:1 allow br0"])
        #expect(rendered(result.errors) == ["Invalid config line:\n  allow\n  at /etc/qemu/bridge.conf:2"])
    }

    @Test func theClosingLineIsTheCHelpers() {
        #expect(
            ACLLoadResult.failureMessage(for: bytes(mainPath))
                == "failed to parse default acl file `/etc/qemu/bridge.conf'")
    }
}

@Suite struct Includes {
    @Test func relativeIncludesResolveAgainstTheIncludingFilesDirectory() {
        let result = load([
            (mainPath, "include users/alice.conf\nallow br0\n"),
            ("/etc/qemu/users/alice.conf", "allow alice0\ninclude shared.conf\n"),
            ("/etc/qemu/users/shared.conf", "allow shared0\n"),
        ])
        #expect(result.succeeded)
        #expect(
            summary(result.rules) == [
                "/etc/qemu/users/alice.conf:1 allow alice0",
                "/etc/qemu/users/shared.conf:1 allow shared0",
                "/etc/qemu/bridge.conf:2 allow br0",
            ])
        #expect(result.filesRead == [mainPath, "/etc/qemu/users/alice.conf", "/etc/qemu/users/shared.conf"].map(bytes))
    }

    @Test(arguments: [
        ("users/a.conf", "/etc/qemu/bridge.conf", "/etc/qemu/users/a.conf"),
        ("/abs/a.conf", "/etc/qemu/bridge.conf", "/abs/a.conf"),
        ("../a.conf", "/etc/qemu/bridge.conf", "/etc/qemu/../a.conf"),
        ("a.conf", "/bridge.conf", "/a.conf"),
        ("a.conf", "bridge.conf", "a.conf"),
    ])
    func resolvesIncludePaths(include: String, from file: String, expected: String) {
        #expect(ACLLoader.resolve(include: bytes(include), from: bytes(file)) == bytes(expected))
    }

    @Test func absoluteIncludes() {
        let result = load([(mainPath, "include /srv/acl/lab.conf\n"), ("/srv/acl/lab.conf", "allow lab0\n")])
        #expect(result.succeeded)
        #expect(summary(result.rules) == ["/srv/acl/lab.conf:1 allow lab0"])
    }

    /// The per-user pattern: `include /etc/qemu/alice.conf` readable only by some users.
    @Test func anUnavailableIncludeIsIgnored() {
        var fileSystem = InMemoryFileSystem()
        fileSystem.addFile(mainPath, "allow br0\ninclude alice.conf\ninclude missing.conf\nallow br1\n")
        fileSystem.addUnavailable("/etc/qemu/alice.conf", because: "Permission denied")
        let result = load(fileSystem)
        #expect(result.succeeded)
        #expect(result.errors.isEmpty)
        #expect(summary(result.rules) == ["/etc/qemu/bridge.conf:1 allow br0", "/etc/qemu/bridge.conf:4 allow br1"])
        #expect(
            rendered(result.diagnostics) == [
                "/etc/qemu/bridge.conf:2: include `/etc/qemu/alice.conf' ignored: Permission denied",
                "/etc/qemu/bridge.conf:3: include `/etc/qemu/missing.conf' ignored: No such file or directory",
            ])
    }

    @Test func anIncludeWithoutAFileNameIsIgnored() {
        let result = load([(mainPath, "include \nallow br0\n")])
        #expect(result.succeeded)
        #expect(summary(result.rules) == ["/etc/qemu/bridge.conf:2 allow br0"])
        #expect(rendered(result.diagnostics) == ["/etc/qemu/bridge.conf:1: include without a file name, ignored"])
    }

    /// Unlike the C helper, which drops an include after its bad line and goes on: the lines
    /// after the error, or lines it reads differently, may hold a `deny`.
    @Test func anErrorInAnIncludeFailsTheWholeACL() {
        let result = load([
            (mainPath, "allow all\ninclude broken.conf\n"),
            ("/etc/qemu/broken.conf", "allow early0\nAllow typo\ndeny br0\n"),
        ])
        #expect(!result.succeeded)
        #expect(rendered(result.errors) == ["Unknown command `Allow'\n  at /etc/qemu/broken.conf:2"])
    }

    /// `# <5000 blanks>` is one line here, too long; the C helper reads it in 4 KiB pieces.
    @Test func aLongLineInAnIncludeFailsTheWholeACLSoTheDenyAfterItIsNotLost() {
        let result = load([
            (mainPath, "allow all\ninclude long.conf\n"),
            ("/etc/qemu/long.conf", "#" + String(repeating: " ", count: 5000) + "\ndeny br0\n"),
        ])
        #expect(!result.succeeded)
        #expect(result.errors.first?.location == SourceLocation(file: Array("/etc/qemu/long.conf".utf8), line: 1))
    }

    @Test func anIncludeThatCouldNotBeReadFailsTheWholeACL() {
        var fileSystem = InMemoryFileSystem()
        fileSystem.addFile(mainPath, "allow all\ninclude /etc/qemu/deny.conf\n")
        fileSystem.addFailed("/etc/qemu/deny.conf", because: "Too many open files")
        let result = load(fileSystem)
        #expect(!result.succeeded)
        #expect(
            rendered(result.errors) == [
                "/etc/qemu/bridge.conf:2: include `/etc/qemu/deny.conf' could not be read: Too many open files"
            ])
    }

    @Test func anUntrustedIncludeFailsTheWholeACL() {
        var fileSystem = InMemoryFileSystem()
        fileSystem.addFile(mainPath, "allow br0\ninclude evil.conf\nallow br1\n")
        fileSystem.addRefused("/etc/qemu/evil.conf", because: "it is owned by uid 1000, not root")
        let result = load(fileSystem)
        #expect(!result.succeeded)
        #expect(summary(result.rules) == ["/etc/qemu/bridge.conf:1 allow br0"])
        #expect(
            rendered(result.errors) == [
                "/etc/qemu/bridge.conf:2: include `/etc/qemu/evil.conf' refused: it is owned by uid 1000, not root"
            ])
    }

    @Test func anUntrustedIncludeDeepDownFailsTheWholeACL() {
        var fileSystem = InMemoryFileSystem()
        fileSystem.addFile(mainPath, "include a.conf\nallow br1\n")
        fileSystem.addFile("/etc/qemu/a.conf", "include b.conf\n")
        fileSystem.addRefused("/etc/qemu/b.conf")
        let result = load(fileSystem)
        #expect(!result.succeeded)
        #expect(result.rules.isEmpty)
        #expect(result.errors.map(\.location) == [SourceLocation(file: bytes("/etc/qemu/a.conf"), line: 1)])
    }

    @Test(arguments: [
        // A file that includes itself, by its own name or by another spelling.
        (
            [(mainPath, "allow br0\ninclude bridge.conf\n")],
            "/etc/qemu/bridge.conf:2: include `/etc/qemu/bridge.conf' is a cycle: that file is already being read"
        ),
        (
            [(mainPath, "include ../qemu/./bridge.conf\n")],
            "/etc/qemu/bridge.conf:1: include `/etc/qemu/../qemu/./bridge.conf' is a cycle: that file is already being read"
        ),
        // A -> B -> A: reported where the cycle closes.
        (
            [
                (mainPath, "include a.conf\n"), ("/etc/qemu/a.conf", "allow a0\ninclude b.conf\n"),
                ("/etc/qemu/b.conf", "include a.conf\n"),
            ],
            "/etc/qemu/b.conf:1: include `/etc/qemu/a.conf' is a cycle: that file is already being read"
        ),
    ])
    func cyclesFailTheWholeACL(files: [(String, String)], message: String) {
        let result = load(files.map { (path: $0.0, contents: $0.1) })
        #expect(!result.succeeded)
        #expect(rendered(result.errors) == [message])
    }

    /// A diamond (two files including the same third) is not a cycle.
    @Test func diamondIncludesAreFine() {
        let result = load([
            (mainPath, "include a.conf\ninclude b.conf\n"),
            ("/etc/qemu/a.conf", "include common.conf\n"),
            ("/etc/qemu/b.conf", "include common.conf\n"),
            ("/etc/qemu/common.conf", "allow br0\n"),
        ])
        #expect(result.succeeded)
        #expect(result.errors.isEmpty)
        #expect(summary(result.rules) == ["/etc/qemu/common.conf:1 allow br0", "/etc/qemu/common.conf:1 allow br0"])
        #expect(result.filesRead.count == 5)
    }

    /// `/etc/qemu/d0.conf` includes d1, d1 includes d2, and so on; the main file includes d1.
    private func chain(includes depth: Int) -> [(path: String, contents: String)] {
        var files = [(path: mainPath, contents: "include d1.conf\n")]
        for level in 1...depth {
            let next = level < depth ? "include d\(level + 1).conf\n" : ""
            files.append((path: "/etc/qemu/d\(level).conf", contents: "allow d\(level)\n" + next))
        }
        return files
    }

    @Test func includesNestUpToTheDepthLimit() {
        #expect(ACLLimits.standard.maximumIncludeDepth == 16)
        let result = load(chain(includes: 16))
        #expect(result.succeeded)
        #expect(result.rules.count == 16)
        #expect(summary(result.rules).last == "/etc/qemu/d16.conf:1 allow d16")
    }

    @Test func includesNestedDeeperThanTheLimitFailTheWholeACL() {
        let result = load(chain(includes: 17))
        #expect(!result.succeeded)
        #expect(result.rules.count == 16)
        #expect(
            rendered(result.errors) == [
                "/etc/qemu/d16.conf:2: include `/etc/qemu/d17.conf' nested more than 16 levels deep"
            ])
    }

    /// The main file and `count` files it includes, each with one rule.
    private func fan(of count: Int) -> [(path: String, contents: String)] {
        let includes = (1...count).map { "include f\($0).conf\n" }.joined()
        return [(path: mainPath, contents: includes)]
            + (1...count).map { (path: "/etc/qemu/f\($0).conf", contents: "allow f\($0)\n") }
    }

    @Test func readsUpToTheFileLimit() {
        #expect(ACLLimits.standard.maximumFiles == 128)
        let result = load(fan(of: 127))
        #expect(result.succeeded)
        #expect(result.filesRead.count == 128)
        #expect(result.rules.count == 127)
    }

    @Test func readingMoreFilesThanTheLimitFailsTheWholeACL() {
        let result = load(fan(of: 128))
        #expect(!result.succeeded)
        #expect(result.rules.count == 127)
        #expect(
            rendered(result.errors) == [
                "/etc/qemu/bridge.conf:128: include `/etc/qemu/f128.conf' would read more than 128 files"
            ])
    }

    /// Re-reading the same file through a diamond counts each time: that is what bounds the work.
    @Test func theFileLimitCountsRepeatedReads() {
        var limits = ACLLimits()
        limits.maximumFiles = 3
        let result = load(
            [
                (mainPath, "include common.conf\ninclude common.conf\ninclude common.conf\n"),
                ("/etc/qemu/common.conf", "allow br0\n"),
            ], limits: limits)
        #expect(!result.succeeded)
        #expect(result.rules.count == 2)
        #expect(result.errors.map(\.location?.line) == [3])
    }
}
