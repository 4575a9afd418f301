@preconcurrency import Glibc

/// Text for a person: ANSI colour only when standard output is a terminal (and NO_COLOR
/// is unset), and bytes from files shown so that they cannot drive the terminal.
public struct TerminalText: Sendable {
    public enum Colour: String, Sendable {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case blue = "34"
    }

    public var usesColour: Bool

    public init(usesColour: Bool) { self.usesColour = usesColour }

    public static func forStandardOutput() -> TerminalText {
        let terminal = getenv("TERM").map { String(cString: $0) } ?? "dumb"
        return TerminalText(usesColour: isatty(1) == 1 && getenv("NO_COLOR") == nil && terminal != "dumb")
    }

    public func paint(_ text: String, _ colour: Colour) -> String {
        usesColour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Control bytes and invalid UTF-8 as `\xNN`; everything else as it is.
    public static func printable(_ bytes: [UInt8]) -> String {
        var result = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 && byte != 0x09 || byte == 0x7f {
                result += escaped(byte)
                index += 1
                continue
            }
            let length =
                byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            if length > 0, index + length <= bytes.count,
                let scalar = String(validating: bytes[index..<index + length], as: UTF8.self)
            {
                result += scalar
                index += length
            } else {
                result += escaped(byte)
                index += 1
            }
        }
        return result
    }

    static func escaped(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16)
        return "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
