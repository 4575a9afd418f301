import BridgeOperator
import Foundation
import Testing

/// The helper's loader stops at the first error; lint loads again past each one and must
/// report what a loader that went on would: every error, in every file, once.
@Suite(.enabled(if: geteuid() == 0, "the trust checks need root-owned files, and only root can make them"))
struct LintReadsOnTests {
    func lint(_ files: [(String, String)]) throws -> [String] {
        let copy = try CorpusCopy()
        defer { copy.remove() }
        for (name, text) in files { try copy.write(name, text) }
        let report = ACLLinter().lint(Array("\(copy.root)/\(files[0].0)".utf8))
        return report.findings.filter { $0.severity == .error }
            .map { $0.rendered.description.replacingOccurrences(of: copy.root + "/", with: "") }
    }

    @Test func pastAnIncludeCycleIntoTheRestOfBothFiles() throws {
        let errors = try lint([("t.conf", "include u.conf\nbogus\n"), ("u.conf", "include t.conf\nnonsense here\n")])
        #expect(
            errors == [
                "t.conf:2: error: Invalid config line: bogus",
                "u.conf:1: error: include `t.conf' is a cycle: that file is already being read",
                "u.conf:2: error: Unknown command `nonsense'",
            ])
    }

    /// A failed include is still a statement: `require options` after it is misplaced, and the
    /// lines after are read with the plain grammar, as by a loader that went on.
    @Test func pastAFailedIncludeRequireOptionsIsStillMisplaced() throws {
        let errors = try lint([("t.conf", "include t.conf\nrequire options\nallow br0 user=root\n")])
        #expect(
            errors == [
                "t.conf:1: error: include `t.conf' is a cycle: that file is already being read",
                "t.conf:2: error: `require options' is only valid in t.conf, before its first rule or include",
                "t.conf:3: error: `allow br0 user=root' can never match: the kernel refuses this name (it contains white space)",
            ])
    }

    /// Each step past an error is a whole load: a file of nothing but errors gets the first
    /// 200 and a note that says so, not a load per line.
    @Test func aFileOfErrorsIsReportedUpToTheBound() throws {
        let copy = try CorpusCopy()
        defer { copy.remove() }
        try copy.write("t.conf", String(repeating: "bogus\n", count: 250))
        let report = ACLLinter().lint(Array("\(copy.root)/t.conf".utf8))
        #expect(report.errorCount == 200)
        let notes = report.findings.filter { $0.severity == .note }.map(\.message.description)
        #expect(notes == ["lint stopped after 200 errors; fix these and run it again"])
    }
}
