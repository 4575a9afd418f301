import BridgePolicy

/// Include lines the C helper reads differently: it resolves a relative path against the
/// caller's current directory, which the caller chooses.
enum IncludeLint {
    static func findings(in file: [UInt8], contents: [UInt8]) -> [LintFinding] {
        ACLGrammar.lines(of: contents).enumerated().compactMap { index, line in
            guard case .include(let target) = ACLGrammar.parse(line), !target.isEmpty,
                target.first != UInt8(ascii: "/")
            else { return nil }
            let resolved = ACLLoader.resolve(include: target, from: file)
            return LintFinding(
                .warning,
                "relative include `\(target)': read here as `\(resolved)', but the C helper resolves it against the caller's current directory; write the absolute path",
                at: SourceLocation(file: file, line: index + 1))
        }
    }
}
