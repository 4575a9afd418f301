/// The grammar of one line of `bridge.conf`, exactly as the C helper reads it:
/// leading white space skipped; blank and `#` lines skipped; the command ends at the first
/// space (or, with no space, the first tab); the argument is trimmed; `allow`/`deny`
/// arguments of 16 bytes or more are refused before the command word is looked at.
public enum ACLLine: Equatable, Sendable {
    case blank
    case allow(ACLRule.Target)
    case deny(ACLRule.Target)
    case include([UInt8])
    case invalid(ACLLineProblem)
}

public enum ACLLineProblem: Error, Equatable, Sendable {
    // The C helper's messages, byte for byte.
    case noSeparator(line: [UInt8])
    case unknownCommand([UInt8])
    case nameTooLong([UInt8])
    // Our fail-closed additions (the C helper would misread these lines).
    case containsNUL
    case lineTooLong(Int)

    /// True when the C helper prints this exact message for this line.
    public var isCHelperMessage: Bool {
        switch self {
        case .noSeparator, .unknownCommand, .nameTooLong: return true
        case .containsNUL, .lineTooLong: return false
        }
    }

    public var message: Message {
        switch self {
        case .noSeparator(let line): return "Invalid config line:\n  \(line)"
        case .unknownCommand(let command): return "Unknown command `\(command)'"
        case .nameTooLong(let name): return "name `\(name)' too long: \(name.count)"
        case .containsNUL:
            return "the line contains a NUL byte (the C helper would silently cut it there)"
        case .lineTooLong(let length):
            return
                "the line is \(length) bytes long; at most \(ACLGrammar.maximumLineLength) are allowed (the C helper would read the rest as a new line)"
        }
    }
}

public enum ACLGrammar {
    /// The C helper reads with `fgets` into 4096 bytes: a line with more than 4095 bytes
    /// before its newline is split, and its tail parsed as a line of its own.
    public static let maximumLineLength = 4095

    /// Parses one line, given without its terminating `\n`.
    public static func parse(_ line: ArraySlice<UInt8>) -> ACLLine {
        switch split(line) {
        case .blank: return .blank
        case .invalid(let problem): return .invalid(problem)
        case .command(let command, let argument): return parse(command: command, argument: argument)
        }
    }

    static func parse(command: [UInt8], argument: [UInt8]) -> ACLLine {
        let isInclude = command == [UInt8](ascii: "include")
        if !isInclude && argument.count > InterfaceName.maximumLength {
            return .invalid(.nameTooLong(argument))
        }
        let target = target(argument)
        switch command {
        case [UInt8](ascii: "allow"): return .allow(target)
        case [UInt8](ascii: "deny"): return .deny(target)
        case _ where isInclude: return .include(argument)
        default: return .invalid(.unknownCommand(command))
        }
    }

    static func target(_ name: [UInt8]) -> ACLRule.Target {
        name == [UInt8](ascii: "all") ? .all : .bridge(name)
    }

    /// A line cut into its command word and its trimmed argument.
    enum SplitLine {
        case blank
        case invalid(ACLLineProblem)
        case command([UInt8], argument: [UInt8])
    }

    static func split(_ line: ArraySlice<UInt8>) -> SplitLine {
        if line.count > maximumLineLength { return .invalid(.lineTooLong(line.count)) }
        if line.contains(0) { return .invalid(.containsNUL) }
        guard let start = line.firstIndex(where: { !isASCIISpace($0) }),
            line[start] != UInt8(ascii: "#")
        else { return .blank }
        let text = line[start...]
        guard let separator = text.firstIndex(of: UInt8(ascii: " ")) ?? text.firstIndex(of: 0x09)
        else { return .invalid(.noSeparator(line: Array(line))) }
        return .command(Array(text[..<separator]), argument: Array(trimmed(text[(separator + 1)...])))
    }

    /// The opt-in directive `require options`. The C helper does not know the command
    /// `require`, so it fails the main file on this line and denies every request: a
    /// configuration that uses options can never be read more permissively by it.
    public static func isRequireOptions(_ line: ArraySlice<UInt8>) -> Bool {
        guard case .command(let command, let argument) = split(line) else { return false }
        return command == [UInt8](ascii: "require") && argument == [UInt8](ascii: "options")
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { !isASCIISpace($0) }),
            let last = bytes.lastIndex(where: { !isASCIISpace($0) })
        else { return [] }
        return bytes[first...last]
    }

    /// Splits file contents at `\n`; a final line without a newline still counts.
    public static func lines(of contents: [UInt8]) -> [ArraySlice<UInt8>] {
        Array(FileLines(contents))
    }
}
