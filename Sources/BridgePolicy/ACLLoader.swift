/// The rules of an ACL file and everything it includes, in order, and what went wrong.
public struct ACLLoadResult: Sendable {
    public var rules: [ACLRule] = []
    public var diagnostics: [Diagnostic] = []
    /// False when the main file is missing, refused, or has an error: the helper then
    /// denies everything, as the C helper does.
    public var succeeded = true
    /// Every file that was read, in order (for the operator tools).
    public var filesRead: [[UInt8]] = []

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// The C helper's closing line for a main file that did not parse.
    public static func failureMessage(for path: [UInt8]) -> Message {
        "failed to parse default acl file `\(path)'"
    }
}

/// Reads an ACL file and its includes the way the C helper does, except where that is
/// unsafe: includes resolve against the including file's directory (not the caller's
/// current directory), cycles and depth are bounded, untrusted files stop everything.
public struct ACLLoader {
    public var source: any ACLFileSource
    public var limits: ACLLimits
    /// The helper stops a file at its first bad line (as the C helper does); the lint tool
    /// goes on, to report every problem.
    public var stopAtFirstError: Bool

    public init(source: any ACLFileSource, limits: ACLLimits = .standard, stopAtFirstError: Bool = true) {
        self.source = source
        self.limits = limits
        self.stopAtFirstError = stopAtFirstError
    }

    public func load(_ path: [UInt8]) -> ACLLoadResult {
        var walk = Walk(loader: self)
        switch walk.source.read(path) {
        case .unavailable(let why), .refused(let why):
            walk.result.diagnostics.append(Diagnostic(.error, "\(path): \(why)", at: nil))
            walk.result.succeeded = false
        case .contents(let contents, let identity):
            walk.result.succeeded = walk.parse(path, contents, identity, depth: 0) == .complete
        }
        return walk.result
    }

    public static func resolve(include: [UInt8], from file: [UInt8]) -> [UInt8] {
        if include.first == UInt8(ascii: "/") { return include }
        guard let slash = file.lastIndex(of: UInt8(ascii: "/")) else { return include }
        return Array(file[...slash]) + include
    }
}

private enum FileOutcome { case complete, failed, fatal }

/// One pass over the include tree.
private struct Walk {
    let source: any ACLFileSource
    let limits: ACLLimits
    let stopAtFirstError: Bool
    var result = ACLLoadResult()
    var stack: [FileIdentity] = []

    init(loader: ACLLoader) {
        source = loader.source
        limits = loader.limits
        stopAtFirstError = loader.stopAtFirstError
    }

    mutating func parse(_ path: [UInt8], _ contents: [UInt8], _ identity: FileIdentity, depth: Int) -> FileOutcome {
        result.filesRead.append(path)
        stack.append(identity)
        defer { stack.removeLast() }
        var outcome = FileOutcome.complete
        for (index, line) in ACLGrammar.lines(of: contents).enumerated() {
            let here = SourceLocation(file: path, line: index + 1)
            switch ACLGrammar.parse(line) {
            case .blank:
                continue
            case .allow(let target):
                result.rules.append(ACLRule(action: .allow, target: target, location: here))
            case .deny(let target):
                result.rules.append(ACLRule(action: .deny, target: target, location: here))
            case .include(let target):
                if include(target, at: here, depth: depth + 1) == .fatal { return .fatal }
            case .invalid(let problem):
                result.diagnostics.append(
                    Diagnostic(.error, problem.message, at: here, isCHelperMessage: problem.isCHelperMessage))
                outcome = .failed
                if stopAtFirstError { return .failed }
            }
        }
        return outcome
    }

    /// An include that cannot be opened, or that fails to parse, is ignored (the rules it
    /// gave before the failure stay), as in the C helper. One that is refused, cyclic or
    /// too deep fails the whole ACL: the C helper's behaviour there is unsafe.
    mutating func include(_ target: [UInt8], at here: SourceLocation, depth: Int) -> FileOutcome {
        func fatal(_ message: Message) -> FileOutcome {
            result.diagnostics.append(Diagnostic(.error, message, at: here))
            return .fatal
        }
        if target.isEmpty {
            result.diagnostics.append(Diagnostic(.note, "include without a file name, ignored", at: here))
            return .complete
        }
        let path = ACLLoader.resolve(include: target, from: here.file)
        if depth > limits.maximumIncludeDepth {
            return fatal("include `\(path)' nested more than \(limits.maximumIncludeDepth) levels deep")
        }
        if result.filesRead.count >= limits.maximumFiles {
            return fatal("include `\(path)' would read more than \(limits.maximumFiles) files")
        }
        switch source.read(path) {
        case .unavailable(let why):
            result.diagnostics.append(Diagnostic(.note, "include `\(path)' ignored: \(why)", at: here))
            return .complete
        case .refused(let why):
            return fatal("include `\(path)' refused: \(why)")
        case .contents(let contents, let identity):
            if stack.contains(identity) { return fatal("include `\(path)' is a cycle: that file is already being read") }
            let outcome = parse(path, contents, identity, depth: depth)
            if outcome == .failed {
                result.diagnostics.append(
                    Diagnostic(.note, "include `\(path)' ignored after its error (rules before it still count)", at: here))
            }
            return outcome == .fatal ? .fatal : .complete
        }
    }
}
