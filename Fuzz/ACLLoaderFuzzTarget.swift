// libFuzzer target: the ACL loader over include trees carved from the input, and the
// decision over whatever rules it returns. Built and run by scripts/fuzz.
import BridgePolicy

/// Small limits, so that the fuzzer reaches the depth and file-count boundaries with
/// small inputs; the code paths are the same as with the standard limits.
private let fuzzLimits: ACLLimits = {
    var limits = ACLLimits()
    limits.maximumIncludeDepth = 3
    limits.maximumFiles = 8
    return limits
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzACLLoader(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let files = CarvedFileSystem(fuzzInput(start, count))
    for stopAtFirstError in [true, false] {
        let loader = ACLLoader(source: files.fileSystem, limits: fuzzLimits, stopAtFirstError: stopAtFirstError)
        let result = loader.load(CarvedFileSystem.mainPath)
        checkLoad(result, files)
        let again = loader.load(CarvedFileSystem.mainPath)
        invariant(again.rules == result.rules && again.diagnostics == result.diagnostics, "loading is deterministic")
        checkDecisions(result.rules)
    }
    return 0
}

private func checkLoad(_ result: ACLLoadResult, _ files: CarvedFileSystem) {
    invariant(result.filesRead.count <= fuzzLimits.maximumFiles, "at most \(fuzzLimits.maximumFiles) files read")
    invariant(result.succeeded || !result.errors.isEmpty, "a failed load says why")
    // An error in any file, main or included, fails the load: a deny after it must not be lost.
    invariant(result.succeeded == result.errors.isEmpty, "a load succeeds exactly when no file has an error")
    var linesOfFile: [[UInt8]: [ArraySlice<UInt8>]] = [:]
    for rule in result.rules {
        guard let contents = files.file(rule.location.file) else {
            fatalError("invariant broken: rule from a file that does not exist: \(rule.location)")
        }
        let lines = linesOfFile[rule.location.file] ?? ACLGrammar.lines(of: contents)
        linesOfFile[rule.location.file] = lines
        checkComesFromItsLine(rule, lines)
    }
    for diagnostic in result.diagnostics {
        let rendered = diagnostic.rendered.bytes
        invariant(rendered.count >= diagnostic.message.bytes.count && !rendered.isEmpty, "a rendered diagnostic holds its message")
        if diagnostic.isCHelperMessage {
            invariant(rendered.starts(with: diagnostic.message.bytes), "the C helper's message comes first, unchanged")
        }
    }
}

/// Every rule is the parse of the line it says it came from, in a file that was read.
private func checkComesFromItsLine(_ rule: ACLRule, _ lines: [ArraySlice<UInt8>]) {
    invariant(rule.location.line >= 1 && rule.location.line <= lines.count, "rule from a line of its file: \(rule.location)")
    let line = lines[rule.location.line - 1]
    let expected: ACLLine = rule.action == .allow ? .allow(rule.target) : .deny(rule.target)
    invariant(ACLGrammar.parse(line) == expected, "rule \(rule.location) is what its line says")
    invariant(line.count <= ACLGrammar.maximumLineLength && !line.contains(0), "rule from a line the C helper reads whole")
    if case .bridge(let name) = rule.target {
        invariant(name.count <= InterfaceName.maximumLength, "rule names fit IFNAMSIZ")
        invariant(name.first.map { !isWhiteSpace($0) } ?? true && name.last.map { !isWhiteSpace($0) } ?? true,
                  "rule names are trimmed")
    }
}

/// The decision for names from the rules and a few others: deny wins, default deny,
/// independent of order, monotonic in the deny rules.
private func checkDecisions(_ rules: [ACLRule]) {
    var names: Set<[UInt8]> = [Array("br0".utf8), []]
    for rule in rules { if case .bridge(let name) = rule.target { names.insert(name) } }
    let allowRulesOnly = rules.filter { $0.action == .allow }
    let denyAll = ACLRule(action: .deny, target: .all, location: SourceLocation(file: [], line: 1))
    for name in names {
        let decision = decide(bridge: name, rules: rules)
        let anyDenyMatches = rules.contains { $0.action == .deny && $0.matches(bridge: name) }
        let anyAllowMatches = rules.contains { $0.action == .allow && $0.matches(bridge: name) }
        switch decision {
        case .allowed(let rule):
            invariant(!anyDenyMatches, "deny wins")
            invariant(rule.action == .allow && rule.matches(bridge: name) && rules.contains(rule), "allowed by a matching allow rule")
        case .denied(let rule?):
            invariant(rule.action == .deny && rule.matches(bridge: name) && rules.contains(rule), "denied by a matching deny rule")
        case .denied(nil):
            invariant(!anyAllowMatches && !anyDenyMatches, "default deny only when no rule matches")
        }
        invariant(decision.isAllowed == (anyAllowMatches && !anyDenyMatches), "allowed iff an allow matches and no deny does")
        invariant(decide(bridge: name, rules: rules.reversed()).isAllowed == decision.isAllowed, "order does not matter")
        invariant(!decide(bridge: name, rules: rules + [denyAll]).isAllowed, "deny all denies")
        invariant(!decision.isAllowed || decide(bridge: name, rules: allowRulesOnly).isAllowed,
                  "removing deny rules never denies more")
    }
}

/// The grammar's white space (g_ascii_isspace): space, \t, \n, \v, \f, \r.
private func isWhiteSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
