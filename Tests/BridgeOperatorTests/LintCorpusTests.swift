import BridgeOperator
import Foundation
import Testing

/// Golden tests: each `NAME.expected` in lint-corpus is the exact output of
/// `swift-bridge-helperctl lint NAME.conf`, run from the corpus directory.
/// The corpus is copied to a fresh directory with mode 0644, so that the trust checks see
/// root-owned, non-writable files (as root); paths are shown relative to that directory.
struct LintCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "lint-corpus")

    static func cases() -> [String] {
        let walker = FileManager.default.enumerator(atPath: corpus.path)
        return (walker?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".expected") }.sorted()
            .map { String($0.dropLast(".expected".count)) }
    }

    @Test func corpusIsThere() {
        #expect(Self.cases().count >= 7)
    }

    @Test(
        .enabled(if: geteuid() == 0, "the trust checks need root-owned copies, and only root can make them"),
        arguments: cases())
    func lintMatchesGolden(name: String) throws {
        let copy = try CorpusCopy()
        defer { copy.remove() }
        let report = ACLLinter().lint(Array("\(copy.root)/\(name).conf".utf8))
        let output = HumanReport.lint(report, style: TerminalText(usesColour: false))
            .replacingOccurrences(of: copy.root + "/", with: "")
        let expected = try String(contentsOf: Self.corpus.appendingPathComponent("\(name).expected"), encoding: .utf8)
        #expect(output == expected)
        #expect(report.isClean == !expected.contains(": error: "))
    }
}

/// A private copy of the corpus under /tmp, every file mode 0644.
struct CorpusCopy {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("helperctl-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: LintCorpusTests.corpus.path, toPath: root)
        // A failed chmod or chown would leave modes the trust checks read differently: it fails the test.
        try #require(chmod(root, 0o755) == 0, "chmod \(root): \(String(cString: strerror(errno)))")
        let files = try #require(FileManager.default.enumerator(atPath: root)?.allObjects as? [String], "list \(root)")
        for file in files {
            let mode: mode_t = file.hasSuffix(".conf") || file.hasSuffix(".expected") ? 0o644 : 0o755
            try #require(chmod("\(root)/\(file)", mode) == 0, "chmod \(file): \(String(cString: strerror(errno)))")
        }
    }

    func write(_ name: String, _ text: String, mode: mode_t = 0o644, owner: uid_t = 0) throws {
        let path = "\(root)/\(name)"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try #require(chmod(path, mode) == 0, "chmod \(name): \(String(cString: strerror(errno)))")
        try #require(chown(path, owner, 0) == 0, "chown \(name): \(String(cString: strerror(errno)))")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
