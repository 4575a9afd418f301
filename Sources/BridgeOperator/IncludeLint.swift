import BridgePolicy

/// Include lines the C helper reads differently: it resolves a relative path against the
/// caller's current directory, which the caller chooses.
enum IncludeLint {
    static func findings(in file: [UInt8], contents: [UInt8]) -> [LintFinding] {
        includeLines(in: file, contents: contents).compactMap { include in
            guard include.target.first != UInt8(ascii: "/") else { return nil }
            return LintFinding(
                .warning,
                "relative include `\(include.target)': read here as `\(include.resolved)', but the C helper resolves it against the caller's current directory; write the absolute path",
                at: include.location)
        }
    }

    /// Every `include` line of a file, with the path the loader reads for it.
    static func includeLines(
        in file: [UInt8], contents: [UInt8]
    ) -> [(location: SourceLocation, target: [UInt8], resolved: [UInt8])] {
        ACLGrammar.lines(of: contents).enumerated().compactMap { index, line in
            guard case .include(let target) = ACLGrammar.parse(line), !target.isEmpty else { return nil }
            return (SourceLocation(file: file, line: index + 1), target, ACLLoader.resolve(include: target, from: file))
        }
    }
}
