import BridgePolicy
import BridgeSystem

/// What `lint` found in an ACL file and its includes.
public struct LintReport: Sendable {
    public var file: [UInt8]
    public var findings: [LintFinding]
    /// Every file that was read, the main file first.
    public var filesRead: [[UInt8]]

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }
    public var isClean: Bool { errorCount == 0 }
}

/// `lint`: the helper's loader, told to go on past errors, plus checks for rules that are
/// valid but cannot mean what their author meant. Nothing here parses a line: the
/// grammar is BridgePolicy's, the decision is `decide`.
public struct ACLLinter {
    public var source: any ACLFileSource

    /// The helper's file source and trust checks, reporting instead of stopping.
    public init(source: any ACLFileSource = TrustedFileSource(readsUntrustedFiles: true)) {
        self.source = source
    }

    public func lint(_ path: [UInt8]) -> LintReport {
        let recorder = RecordingFileSource(source)
        let load = ACLLoader(source: recorder, stopAtFirstError: false).load(path)
        var findings = load.diagnostics.map { finding(from: $0, mainFile: path) }
        findings += RuleLint(rules: load.rules).findings()
        for file in recorder.contents {
            findings += IncludeLint.findings(in: file.path, contents: file.bytes)
        }
        return LintReport(file: path, findings: ordered(unique(findings), files: load.filesRead), filesRead: load.filesRead)
    }

    func finding(from diagnostic: Diagnostic, mainFile: [UInt8]) -> LintFinding {
        let severity: LintFinding.Severity =
            switch diagnostic.severity {
            case .error: .error
            case .warning: .warning
            case .note: .note
            }
        guard let location = diagnostic.location else {
            // The loader writes problems with the main file as `PATH: why`; the finding
            // carries the path itself.
            let prefix = mainFile + Array(": ".utf8)
            let bytes = diagnostic.message.bytes
            let why = bytes.starts(with: prefix) ? Array(bytes.dropFirst(prefix.count)) : bytes
            return LintFinding(file: mainFile, line: nil, severity: severity, message: Message(bytes: why))
        }
        return LintFinding(severity, diagnostic.message, at: location)
    }

    /// A file included twice is checked twice; say each thing once.
    func unique(_ findings: [LintFinding]) -> [LintFinding] {
        var seen: [LintFinding] = []
        for finding in findings where !seen.contains(finding) { seen.append(finding) }
        return seen
    }

    /// In reading order: by file (as first read), then line; whole-file problems first.
    func ordered(_ findings: [LintFinding], files: [[UInt8]]) -> [LintFinding] {
        func fileRank(_ file: [UInt8]) -> Int { files.firstIndex(of: file) ?? files.count }
        return findings.enumerated().sorted { a, b in
            let left = (fileRank(a.element.file), a.element.line ?? 0, a.offset)
            let right = (fileRank(b.element.file), b.element.line ?? 0, b.offset)
            return left < right
        }.map(\.element)
    }
}
