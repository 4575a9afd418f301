import BridgeOperator
import Foundation
import Testing

/// The helper's trust checks, reported by lint at the include line, with the untrusted
/// file's own lines still checked. Needs root: only root can make root-owned files.
@Suite(.enabled(if: geteuid() == 0, "making root-owned and foreign-owned files needs root"))
struct TrustLintTests {
    func lint(_ files: [(String, String, mode_t, uid_t)]) throws -> String {
        let copy = try CorpusCopy()
        defer { copy.remove() }
        for (name, text, mode, owner) in files { try copy.write(name, text, mode: mode, owner: owner) }
        let report = ACLLinter().lint(Array("\(copy.root)/\(files[0].0)".utf8))
        return HumanReport.lint(report, style: TerminalText(usesColour: false)).replacingOccurrences(
            of: copy.root + "/", with: "")
    }

    @Test func includeOwnedBySomeoneElseIsAnErrorAndStillChecked() throws {
        let output = try lint([
            ("t.conf", "allow br0\ninclude t-user.conf\n", 0o644, 0),
            ("t-user.conf", "allow all\nnonsense here\n", 0o644, 1000),
        ])
        #expect(output.contains("t.conf:2: error: include `t-user.conf' refused: it is owned by uid 1000, not root"))
        #expect(output.contains("t-user.conf:2: error: Unknown command `nonsense'"))
    }

    @Test func groupWritableMainFileIsAnError() throws {
        let output = try lint([("t.conf", "allow br0\n", 0o664, 0)])
        #expect(output.hasPrefix("t.conf: error: it is writable by its group or by others (mode 0664)\n"))
    }

    @Test func symlinkedIncludeIsRefused() throws {
        let copy = try CorpusCopy()
        defer { copy.remove() }
        try copy.write("t.conf", "include \(copy.root)/link.conf\n")
        try #require(
            symlink("\(copy.root)/clean.conf", "\(copy.root)/link.conf") == 0,
            "symlink: \(String(cString: strerror(errno)))")
        let report = ACLLinter().lint(Array("\(copy.root)/t.conf".utf8))
        #expect(
            report.findings.map { $0.message.description } == [
                "include `\(copy.root)/link.conf' refused: it is a symbolic link"
            ])
        #expect(!report.isClean)
    }

    /// A file the helper refuses for its directory is still read by lint, and its lines checked.
    @Test func includeInAnUntrustedDirectoryIsAnErrorAndStillChecked() throws {
        let copy = try CorpusCopy()
        defer { copy.remove() }
        try #require(mkdir("\(copy.root)/open", 0o755) == 0 && chmod("\(copy.root)/open", 0o777) == 0)
        try copy.write("t.conf", "allow br0\ninclude open/x.conf\n")
        try copy.write("open/x.conf", "nonsense\n")
        let report = ACLLinter().lint(Array("\(copy.root)/t.conf".utf8))
        let output = HumanReport.lint(report, style: TerminalText(usesColour: false)).replacingOccurrences(
            of: copy.root + "/", with: "")
        #expect(
            output.contains(
                "t.conf:2: error: include `open/x.conf' refused: the directory `open' on its path is writable by its group or by others (mode 0777)"
            ))
        #expect(output.contains("open/x.conf:1: error: Invalid config line: nonsense"))
        #expect(!report.isClean)
    }

    @Test func missingMainFileIsAnError() throws {
        let report = ACLLinter().lint(Array("/nonexistent/bridge.conf".utf8))
        #expect(
            report.findings.map(\.rendered.description) == [
                "/nonexistent/bridge.conf: error: No such file or directory"
            ])
    }
}
