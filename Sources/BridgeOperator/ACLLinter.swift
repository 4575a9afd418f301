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

/// `lint`: the helper's loader, loaded again past each error it stops at, plus checks for rules that are
/// valid but cannot mean what their author meant. Nothing here parses a line: the
/// grammar is BridgePolicy's, the decision is `decide`.
public struct ACLLinter {
    public var trusted: TrustedFileSource
    static let maximumErrors = 200

    /// The helper's file source and trust checks, reporting instead of stopping.
    public init(trusted: TrustedFileSource = TrustedFileSource()) {
        self.trusted = trusted
    }

    public func lint(_ path: [UInt8]) -> LintReport {
        let source = LintFileSource(trusted)
        var load = ACLLoader(source: source).load(path)
        var diagnostics = load.diagnostics
        // The loader stopped at its last diagnostic, an error: load again, stepping over it, until
        // it gets through (rules and files read are then the last load's). A stepped-over line
        // says only what it said when a load stopped at it.
        // Each step is a whole load, so the steps are bounded: a file of nothing but errors
        // would otherwise cost a load per line.
        var steps = 0
        while !load.succeeded, let stop = load.diagnostics.last?.location {
            guard steps + 1 < Self.maximumErrors else {
                diagnostics.append(
                    Diagnostic(
                        .note, "lint stopped after \(Self.maximumErrors) errors; fix these and run it again", at: stop))
                break
            }
            guard source.stepOver(stop) else { break }
            steps += 1
            load = ACLLoader(source: source).load(path)
            diagnostics += load.diagnostics.filter { $0.location.map { !source.isSteppedOver($0) } ?? true }
        }
        var findings = diagnostics.map { finding(from: $0, mainFile: path) }
        findings += refusalFindings(source, mainFile: path)
        findings += RuleLint(rules: load.rules).findings()
        for file in source.files {
            findings += IncludeLint.findings(in: file.path, contents: file.bytes)
        }
        return LintReport(
            file: path, findings: ordered(unique(findings), files: load.filesRead), filesRead: load.filesRead)
    }

    /// What the helper would have said of each file it refuses and lint read anyway: about
    /// the main file itself, or at every include line that reads that file.
    func refusalFindings(_ source: LintFileSource, mainFile: [UInt8]) -> [LintFinding] {
        source.refusals.flatMap { refusal -> [LintFinding] in
            if refusal.path == mainFile {
                return [LintFinding(file: mainFile, line: nil, severity: .error, message: refusal.why)]
            }
            return source.files.flatMap { file in
                IncludeLint.includeLines(in: file.path, contents: file.bytes)
                    .filter { $0.resolved == refusal.path }
                    .map { LintFinding(.error, "include `\(refusal.path)' refused: \(refusal.why)", at: $0.location) }
            }
        }
    }

    func finding(from diagnostic: Diagnostic, mainFile: [UInt8]) -> LintFinding {
        let severity: LintFinding.Severity =
            switch diagnostic.severity {
            case .error: .error
            case .warning: .warning
            case .note: .note
            }
        guard let location = diagnostic.location else {
            return LintFinding(
                file: diagnostic.file ?? mainFile, line: nil, severity: severity, message: diagnostic.message)
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
