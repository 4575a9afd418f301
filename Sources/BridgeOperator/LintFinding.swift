import BridgePolicy

/// One problem that `lint` reports, at a file and (usually) a line.
public struct LintFinding: Equatable, Sendable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    }

    public var file: [UInt8]
    /// Nil for a problem with the file as a whole (missing, not root's).
    public var line: Int?
    public var severity: Severity
    public var message: Message

    public init(file: [UInt8], line: Int?, severity: Severity, message: Message) {
        self.file = file
        self.line = line
        self.severity = severity
        self.message = message
    }

    public init(_ severity: Severity, _ message: Message, at location: SourceLocation) {
        self.init(file: location.file, line: location.line, severity: severity, message: message)
    }

    /// `FILE:LINE: error: message`, on one line (the C helper's `Invalid config line:`
    /// message spans two; here the raw line follows on the same line).
    public var rendered: Message {
        let place: Message = line.map { "\(file):\($0)" } ?? "\(file)"
        return "\(place): \(severity.rawValue): \(Message(bytes: oneLine(message.bytes)))"
    }
}

/// Joins a multi-line message into one line: `\n` and the indentation after it become one space.
func oneLine(_ bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    var skippingIndent = false
    for byte in bytes {
        if byte == UInt8(ascii: "\n") {
            result.append(UInt8(ascii: " "))
            skippingIndent = true
        } else if skippingIndent && byte == UInt8(ascii: " ") {
            continue
        } else {
            skippingIndent = false
            result.append(byte)
        }
    }
    return result
}
