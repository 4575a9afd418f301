// libFuzzer target: the ACL loader over include trees carved from the input (with either
// grammar: plain, or rule options after `require options`), and the decisions, for known
// callers and an unknown one, over whatever rules it returns. Built and run by scripts/fuzz.
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
    let grammar = LineGrammar.chosen(by: files.file(CarvedFileSystem.mainPath))
    // As the helper builds it: names resolve through /etc/passwd and /etc/group of the same source.
    let loader = ACLLoader(source: files.fileSystem, limits: fuzzLimits)
    let result = loader.load(CarvedFileSystem.mainPath)
    checkLoad(result, files, grammar)
    let again = loader.load(CarvedFileSystem.mainPath)
    invariant(again.rules == result.rules && again.diagnostics == result.diagnostics, "loading is deterministic")
    checkDecisions(result.rules, names: namesToCheck(result.rules), callers: callersToCheck(result.rules))
    return 0
}

/// The grammar the loader must have read every file with, found from the main file alone:
/// the options grammar when `require options` comes before its first rule or include.
private enum LineGrammar {
    case plain, options

    static func chosen(by main: [UInt8]?) -> LineGrammar {
        for line in ACLGrammar.lines(of: main ?? []) {
            if ACLGrammar.isRequireOptions(line) { return .options }
            switch ACLGrammar.parse(line) {
            case .allow, .deny, .include: return .plain
            case .blank, .invalid: continue
            }
        }
        return .plain
    }

    /// The rule a line holds in this grammar, names resolved as the loader resolves them;
    /// nil for a line that holds none.
    func rule(
        of line: ArraySlice<UInt8>, accounts: any AccountDatabase
    ) -> (ACLRule.Action, ACLRule.Target, RuleOptions)? {
        switch self {
        case .plain:
            switch ACLGrammar.parse(line) {
            case .allow(let target): return (.allow, target, RuleOptions())
            case .deny(let target): return (.deny, target, RuleOptions())
            default: return nil
            }
        case .options:
            guard case .rule(let action, let target, let specs) = ACLOptionsGrammar.parse(line),
                case .success(let options) = RuleOptions.resolving(specs, with: accounts)
            else { return nil }
            return (action, target, options)
        }
    }
}

private func checkLoad(_ result: ACLLoadResult, _ files: CarvedFileSystem, _ grammar: LineGrammar) {
    invariant(result.filesRead.count <= fuzzLimits.maximumFiles, "at most \(fuzzLimits.maximumFiles) files read")
    invariant(result.succeeded || !result.errors.isEmpty, "a failed load says why")
    // An error in any file, main or included, fails the load: a deny after it must not be lost.
    invariant(result.succeeded == result.errors.isEmpty, "a load succeeds exactly when no file has an error")
    let accounts = AccountFileDatabase(source: files.fileSystem)
    var linesOfFile: [[UInt8]: [ArraySlice<UInt8>]] = [:]
    func lines(_ file: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let contents = files.file(file) else {
            fatalError("invariant broken: a rule or read from a file that does not exist: \(Message(bytes: file))")
        }
        if let known = linesOfFile[file] { return known }
        linesOfFile[file] = ACLGrammar.lines(of: contents)
        return linesOfFile[file]!
    }
    for rule in result.rules {
        checkComesFromItsLine(rule, lines(rule.location.file), grammar, accounts)
        if grammar == .options, files.hasFuzzAccounts { checkNamesResolved(rule, lines(rule.location.file)) }
    }
    if result.succeeded { checkNoRuleLost(result, grammar, accounts, lines) }
    for diagnostic in result.diagnostics {
        let rendered = diagnostic.rendered.bytes
        invariant(
            rendered.count >= diagnostic.message.bytes.count && !rendered.isEmpty,
            "a rendered diagnostic holds its message")
        if diagnostic.isCHelperMessage {
            invariant(rendered.starts(with: diagnostic.message.bytes), "the C helper's message comes first, unchanged")
        }
    }
}

/// Every rule is the parse of the line it says it came from, in the grammar of the file.
private func checkComesFromItsLine(
    _ rule: ACLRule, _ lines: [ArraySlice<UInt8>], _ grammar: LineGrammar, _ accounts: any AccountDatabase
) {
    invariant(
        rule.location.line >= 1 && rule.location.line <= lines.count, "rule from a line of its file: \(rule.location)")
    let line = lines[rule.location.line - 1]
    let parsed = grammar.rule(of: line, accounts: accounts)
    invariant(
        parsed.map { $0.0 == rule.action && $0.1 == rule.target && $0.2 == rule.options } ?? false,
        "rule \(rule.location) is what its line says in the \(grammar) grammar")
    invariant(
        line.count <= ACLGrammar.maximumLineLength && !line.contains(0), "rule from a line the C helper reads whole")
    if let vlan = rule.options.vlan { invariant(RuleOptions.vlanRange.contains(vlan), "a VLAN id is 1-4094") }
    invariant(rule.action == .allow || !rule.options.hasPortSettings, "a deny rule sets up no port")
    invariant(
        rule.options.users?.isEmpty != true && rule.options.groups?.isEmpty != true,
        "a user= or group= list is never empty")
    if case .bridge(let name) = rule.target {
        invariant(!name.isEmpty || grammar == .plain, "with options a rule names a bridge")
        invariant(name.count <= InterfaceName.maximumLength, "rule names fit IFNAMSIZ")
        switch grammar {
        case .plain:
            invariant(
                name.first.map { !isWhiteSpace($0) } ?? true && name.last.map { !isWhiteSpace($0) } ?? true,
                "rule names are trimmed")
        case .options:
            // Only at a space or tab: `allow br0\r vlan=1' names `br0\r' (a rule no interface matches; lint says so).
            invariant(
                !name.contains(UInt8(ascii: " ")) && !name.contains(0x09), "with options a name ends at a space or tab")
        }
    }
}

/// With the fuzzer's own /etc/passwd and /etc/group, each `user=`/`group=` entry of the line
/// became the id FuzzAccounts gives it, in order (a check that does not go through the
/// loader's lookup).
private func checkNamesResolved(_ rule: ACLRule, _ lines: [ArraySlice<UInt8>]) {
    // As the loader cuts it: trimmed, then words at spaces and tabs; options follow the command and the name.
    let line = lines[rule.location.line - 1]
    let text = line.drop(while: isWhiteSpace).reversed().drop(while: isWhiteSpace).reversed()
    let options = text.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == 0x09 }).dropFirst(2)
    func entries(_ key: String) -> [[UInt8]]? {
        let prefix = Array("\(key)=".utf8)
        guard let word = options.first(where: { $0.starts(with: prefix) }) else { return nil }
        return word.dropFirst(prefix.count).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(
            Array.init)
    }
    let users = entries("user").map { $0.map { FuzzAccounts.expectedID($0, in: FuzzAccounts.users) } }
    let groups = entries("group").map { $0.map { FuzzAccounts.expectedID($0, in: FuzzAccounts.groups) } }
    invariant(
        users == rule.options.users.map { $0.map(Optional.some) }, "user= names resolve to their uids: \(rule.location)"
    )
    invariant(
        groups == rule.options.groups.map { $0.map(Optional.some) },
        "group= names resolve to their gids: \(rule.location)")
}

/// A load that succeeded kept every rule: each read of a file gave one rule per rule line.
private func checkNoRuleLost(
    _ result: ACLLoadResult, _ grammar: LineGrammar, _ accounts: any AccountDatabase,
    _ lines: ([UInt8]) -> [ArraySlice<UInt8>]
) {
    var reads: [[UInt8]: Int] = [:]
    for file in result.filesRead { reads[file, default: 0] += 1 }
    for (file, count) in reads {
        let ruleLines = lines(file).filter { grammar.rule(of: $0, accounts: accounts) != nil }.count
        let rules = result.rules.filter { $0.location.file == file }.count
        invariant(rules == count * ruleLines, "every rule line of \(Message(bytes: file)) became a rule, on each read")
    }
}

/// The grammar's white space (g_ascii_isspace): space, \t, \n, \v, \f, \r.
private func isWhiteSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
