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
/// current directory), cycles and depth are bounded, and an error in any file, an
/// untrusted file or one that could not be read fails the whole ACL (lines after the error,
/// or lines the C helper reads differently, may hold a `deny`).
public struct ACLLoader {
    public var source: any ACLFileSource
    public var limits: ACLLimits
    /// Resolves `user=`/`group=` names; by default /etc/passwd and /etc/group read
    /// through `source` (so with the helper's trust checks).
    public var accounts: any AccountDatabase

    /// Names resolved from /etc/passwd and /etc/group read through `source`. (An overload, not
    /// `accounts: (any AccountDatabase)? = nil`: copying an optional existential makes the
    /// runtime build Optional's metadata, a sixth of the helper's instructions.)
    public init(source: any ACLFileSource, limits: ACLLimits = .standard) {
        self.init(source: source, limits: limits, accounts: AccountFileDatabase(source: source))
    }

    public init(
        source: any ACLFileSource, limits: ACLLimits = .standard, accounts: any AccountDatabase
    ) {
        self.source = source
        self.limits = limits
        self.accounts = accounts
    }

    public func load(_ path: [UInt8]) -> ACLLoadResult {
        var walk = Walk(loader: self, mainFile: path)
        switch walk.source.read(path) {
        case .unavailable(let why), .failed(let why), .refused(let why):
            walk.result.diagnostics.append(Diagnostic(.error, why, aboutFile: path))
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

/// How a file ended: `fatal` fails the whole ACL, wherever it happens. (The C helper
/// ignores an include after its first bad line; we do not.)
private enum FileOutcome { case complete, fatal }

/// One pass over the include tree.
private struct Walk {
    let source: any ACLFileSource
    let limits: ACLLimits
    let accounts: any AccountDatabase
    let mainFile: [UInt8]
    var result = ACLLoadResult()
    var reading = FilesBeingRead()
    /// Set by `require options` at the top of the main file; then applies to every file.
    var optionsEnabled = false
    /// A rule or include has been read: too late for `require options`.
    var sawStatement = false

    init(loader: ACLLoader, mainFile: [UInt8]) {
        source = loader.source
        limits = loader.limits
        accounts = loader.accounts
        self.mainFile = mainFile
    }

    mutating func parse(_ path: [UInt8], _ contents: [UInt8], _ identity: FileIdentity, depth: Int) -> FileOutcome {
        result.filesRead.append(path)
        reading.push(identity)
        defer { reading.pop() }
        for (index, line) in FileLines(contents).enumerated() {
            let here = SourceLocation(file: path, line: index + 1)
            // The first error ends the file and fails the ACL, as in the C helper (lint goes on
            // past it by loading again: LintFileSource).
            func stop(_ diagnostic: Diagnostic) -> FileOutcome {
                result.diagnostics.append(diagnostic)
                return .fatal
            }
            if ACLGrammar.isRequireOptions(line) {
                if depth == 0 && !optionsEnabled && !sawStatement {
                    optionsEnabled = true
                    continue
                }
                let misplaced: ACLOptionProblem =
                    optionsEnabled && depth == 0 ? .repeatedDirective : .misplacedDirective(mainFile: mainFile)
                return stop(Diagnostic(.error, misplaced.message, at: here))
            }
            switch optionsEnabled ? ACLOptionsGrammar.parse(line) : .plain(ACLGrammar.parse(line)) {
            case .plain(.blank):
                continue
            case .plain(.allow(let target)):
                addRule(.allow, target, at: here)
            case .plain(.deny(let target)):
                addRule(.deny, target, at: here)
            case .plain(.include(let target)):
                sawStatement = true
                if include(target, at: here, depth: depth + 1) == .fatal { return .fatal }
            case .plain(.invalid(let problem)):
                let diagnostic = Diagnostic(
                    .error, problem.message, at: here, isCHelperMessage: problem.isCHelperMessage)
                return stop(diagnostic)
            case .rule(let action, let target, let specs):
                switch RuleOptions.resolving(specs, with: accounts) {
                case .success(let options): addRule(action, target, options: options, at: here)
                case .failure(let failure):
                    return stop(Diagnostic(.error, failure.message, at: here))
                }
            case .invalid(let failure):
                return stop(Diagnostic(.error, failure.message, at: here))
            }
        }
        return .complete
    }

    mutating func addRule(
        _ action: ACLRule.Action, _ target: ACLRule.Target, options: RuleOptions = RuleOptions(),
        at here: SourceLocation
    ) {
        sawStatement = true
        result.rules.append(ACLRule(action: action, target: target, location: here, options: options))
        // Without `require options`, `allow br0 user=bob` names the bridge "br0 user=bob",
        // as in the C helper. Say so: the lint tool shows warnings, the helper does not.
        if !optionsEnabled, case .bridge(let name) = target,
            name.contains(where: { $0 == UInt8(ascii: " ") || $0 == 0x09 })
        {
            result.diagnostics.append(
                Diagnostic(
                    .warning,
                    "the bridge name `\(name)' contains white space, so this rule never matches; rule options need `require options' at the top of \(mainFile)",
                    at: here))
        }
    }

    /// An include that does not exist or that the caller may not read is ignored, as in the
    /// C helper. Any other failure (refused, unreadable for another reason, cyclic, too
    /// deep, an error on any line) fails the whole ACL: the C helper's behaviour is unsafe.
    mutating func include(_ target: [UInt8], at here: SourceLocation, depth: Int) -> FileOutcome {
        func fatal(_ message: Message) -> FileOutcome {
            result.diagnostics.append(Diagnostic(.error, message, at: here))
            return .fatal
        }
        if target.isEmpty {
            result.diagnostics.append(Diagnostic(.warning, "include without a file name, ignored", at: here))
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
            result.diagnostics.append(Diagnostic(.warning, "include `\(path)' ignored: \(why)", at: here))
            return .complete
        case .refused(let why):
            return fatal("include `\(path)' refused: \(why)")
        case .failed(let why):
            return fatal("include `\(path)' could not be read: \(why)")
        case .contents(let contents, let identity):
            if reading.contains(identity) {
                return fatal("include `\(path)' is a cycle: that file is already being read")
            }
            return parse(path, contents, identity, depth: depth)
        }
    }
}

/// The files of the include chain now being read, the main file first: a file found in it
/// again is an include cycle. The main file is kept apart, so that an ACL without includes
/// allocates no array (a first `[FileIdentity]` costs the runtime a metadata instantiation).
private struct FilesBeingRead {
    var main: FileIdentity?
    var includes: [FileIdentity] = []

    mutating func push(_ file: FileIdentity) {
        if main == nil { main = file } else { includes.append(file) }
    }

    mutating func pop() {
        if includes.isEmpty { main = nil } else { includes.removeLast() }
    }

    func contains(_ file: FileIdentity) -> Bool {
        main == file || includes.contains(file)
    }
}
