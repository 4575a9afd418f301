/// A line read after `require options`: `allow`/`deny` take the bridge name (or `all`)
/// and then options, separated by spaces or tabs. Every other line is read as without
/// options (`.plain`).
public enum ACLOptionsLine: Equatable, Sendable {
    case plain(ACLLine)
    case rule(ACLRule.Action, ACLRule.Target, [ACLOptionSpec])
    case invalid(ACLOptionProblem)
}

/// One option as written; `user=` and `group=` names are resolved by the loader.
public enum ACLOptionSpec: Equatable, Sendable {
    case users([[UInt8]])
    case groups([[UInt8]])
    case vlan(UInt16)
    case isolated
    case maxTaps(UInt16)

    var keyword: [UInt8] {
        switch self {
        case .users: return [UInt8](ascii: "user")
        case .groups: return [UInt8](ascii: "group")
        case .vlan: return [UInt8](ascii: "vlan")
        case .isolated: return [UInt8](ascii: "isolated")
        case .maxTaps: return [UInt8](ascii: "max")
        }
    }
}

public enum ACLOptionProblem: Error, Equatable, Sendable {
    case unknownOption([UInt8])
    /// `allow`/`deny` with no bridge name, or an option where the name belongs.
    case missingName([UInt8], before: [UInt8]?)
    case emptyList([UInt8])
    case emptyListEntry([UInt8])
    case duplicateOption([UInt8])
    case vlanOutOfRange([UInt8])
    case portSettingOnDeny([UInt8])
    case maxOutOfRange([UInt8])
    case limitOnDeny
    case unknownUser([UInt8])
    case unknownGroup([UInt8])
    case accountsUnavailable(Message)
    case misplacedDirective(mainFile: [UInt8])
    case repeatedDirective

    public var message: Message {
        switch self {
        case .unknownOption(let word):
            return
                "unknown option `\(word)' (the options are user=NAME[,NAME...], group=NAME[,NAME...], vlan=N, isolated and max=N)"
        case .missingName(let command, let option?):
            return "missing bridge name before `\(option)': `\(command)' takes a bridge name or `all', then options"
        case .missingName(let command, nil):
            return "missing bridge name: `\(command)' takes a bridge name or `all', then options"
        case .emptyList(let keyword): return "option `\(keyword)=' needs at least one name"
        case .emptyListEntry(let option): return "option `\(option)' has an empty name in its list"
        case .duplicateOption(let keyword): return "option `\(keyword)' is given twice in one rule"
        case .vlanOutOfRange(let value):
            return
                "vlan `\(value)' is not a VLAN id: expected a number from \(Int(RuleOptions.vlanRange.lowerBound)) to \(Int(RuleOptions.vlanRange.upperBound))"
        case .maxOutOfRange(let value):
            return
                "max `\(value)' is not a number of taps: expected a number from \(Int(RuleOptions.maxTapsRange.lowerBound)) to \(Int(RuleOptions.maxTapsRange.upperBound))"
        case .limitOnDeny: return "option `max' limits what a rule grants, so it is only allowed on allow rules"
        case .portSettingOnDeny(let keyword):
            return "option `\(keyword)' sets up a port, so it is only allowed on allow rules"
        case .unknownUser(let name): return "unknown user `\(name)' (give users that are not in /etc/passwd by number)"
        case .unknownGroup(let name):
            return "unknown group `\(name)' (give groups that are not in /etc/group by number)"
        case .accountsUnavailable(let why): return "cannot resolve user and group names: \(why)"
        case .misplacedDirective(let mainFile):
            return "`require options' is only valid in \(mainFile), before its first rule or include"
        case .repeatedDirective: return "`require options' is given twice"
        }
    }
}

public enum ACLOptionsGrammar {
    public static func parse(_ line: ArraySlice<UInt8>) -> ACLOptionsLine {
        guard case .command(let command, let argument) = ACLGrammar.split(line), let action = action(command) else {
            return .plain(ACLGrammar.parse(line))
        }
        let words = argument.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == 0x09 }).map(Array.init)
        // `deny user=mallory` would otherwise deny a bridge called `user=mallory`: no one.
        guard let name = words.first, !isOption(name) else {
            return .invalid(.missingName(command, before: words.first))
        }
        // The C helper's length check, on the name alone: options may make the line long.
        guard name.count <= InterfaceName.maximumLength else { return .plain(.invalid(.nameTooLong(name))) }
        var specs: [ACLOptionSpec] = []
        for word in words.dropFirst() {
            switch option(word, for: action) {
            case .failure(let problem): return .invalid(problem)
            case .success(let spec):
                if specs.contains(where: { $0.keyword == spec.keyword }) {
                    return .invalid(.duplicateOption(spec.keyword))
                }
                specs.append(spec)
            }
        }
        return .rule(action, ACLGrammar.target(name), specs)
    }

    static func action(_ command: [UInt8]) -> ACLRule.Action? {
        switch command {
        case [UInt8](ascii: "allow"): return .allow
        case [UInt8](ascii: "deny"): return .deny
        default: return nil
        }
    }

    static func option(_ word: [UInt8], for action: ACLRule.Action) -> Result<ACLOptionSpec, ACLOptionProblem> {
        if word == [UInt8](ascii: "isolated") {
            return action == .allow ? .success(.isolated) : .failure(.portSettingOnDeny(word))
        }
        guard let equals = word.firstIndex(of: UInt8(ascii: "=")) else { return .failure(.unknownOption(word)) }
        let keyword = Array(word[..<equals])
        let value = Array(word[(equals + 1)...])
        switch keyword {
        case [UInt8](ascii: "user"): return names(value, option: word).map(ACLOptionSpec.users)
        case [UInt8](ascii: "group"): return names(value, option: word).map(ACLOptionSpec.groups)
        case [UInt8](ascii: "vlan"):
            guard action == .allow else { return .failure(.portSettingOnDeny(keyword)) }
            // 0 and 4095 are reserved.
            return DecimalNumber.parse(value, in: RuleOptions.vlanRange).map { .success(.vlan($0)) }
                ?? .failure(.vlanOutOfRange(value))
        case [UInt8](ascii: "max"):
            guard action == .allow else { return .failure(.limitOnDeny) }
            return DecimalNumber.parse(value, in: RuleOptions.maxTapsRange).map { .success(.maxTaps($0)) }
                ?? .failure(.maxOutOfRange(value))
        default: return .failure(.unknownOption(word))
        }
    }

    /// Words that read as an option whatever follows: `isolated`, `user=`, `group=`, `vlan=`, `max=`.
    static func isOption(_ word: [UInt8]) -> Bool {
        word == [UInt8](ascii: "isolated")
            || [[UInt8](ascii: "user="), [UInt8](ascii: "group="), [UInt8](ascii: "vlan="), [UInt8](ascii: "max=")]
                .contains {
                    word.starts(with: $0)
                }
    }

    static func names(_ list: [UInt8], option: [UInt8]) -> Result<[[UInt8]], ACLOptionProblem> {
        guard !list.isEmpty else { return .failure(.emptyList(Array(option.dropLast()))) }
        let names = list.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Array.init)
        return names.contains(where: \.isEmpty) ? .failure(.emptyListEntry(option)) : .success(names)
    }
}
