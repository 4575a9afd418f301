/// Why the JSON reader refused its input, and where: the byte offset from the start of the
/// message, so a peer's author can find the byte.
public struct JSONReadError: Error, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// More than `JSONReader.maximumInputBytes` bytes (refused before reading any).
        case tooLarge
        /// A container nested deeper than `JSONReader.maximumDepth`.
        case tooDeep
        /// A string longer than `JSONReader.maximumStringBytes` once decoded.
        case stringTooLong
        /// An object or array with more than `JSONReader.maximumContainerCount` entries.
        case tooManyEntries
        /// The input stopped inside a value, or held no value at all.
        case unexpectedEnd
        /// A byte the grammar does not allow here (a BOM, a comment, a trailing comma, NaN...).
        case unexpectedByte(UInt8)
        /// More than white space after the value.
        case trailingData
        /// A number that breaks the grammar (a leading zero, `1.`, `-`, `1e`).
        case invalidNumber
        /// A byte below 0x20 inside a string: the grammar wants it escaped.
        case controlCharacter
        case invalidEscape
        /// A `\u` escape of half a surrogate pair without its other half.
        case loneSurrogate
        /// Bytes that are not well-formed UTF-8 (overlong, an encoded surrogate, > U+10FFFF...).
        case invalidUTF8
        /// An object key given twice: peers disagree on which one wins, so neither does.
        case duplicateKey
    }

    public var problem: Problem
    public var offset: Int

    public init(_ problem: Problem, at offset: Int) {
        self.problem = problem
        self.offset = offset
    }

    public var message: Message {
        let what: Message
        switch problem {
        case .tooLarge: what = "the message is over \(JSONReader.maximumInputBytes) bytes"
        case .tooDeep: what = "values nest deeper than \(JSONReader.maximumDepth) levels"
        case .stringTooLong: what = "a string is over \(JSONReader.maximumStringBytes) bytes"
        case .tooManyEntries: what = "an object or array has over \(JSONReader.maximumContainerCount) entries"
        case .unexpectedEnd: what = "the JSON text ends too early"
        case .unexpectedByte(let byte): what = "unexpected byte \(auditEscaped([byte]))"
        case .trailingData: what = "more after the JSON value"
        case .invalidNumber: what = "a number breaks JSON's grammar"
        case .controlCharacter: what = "a control character in a string is not escaped"
        case .invalidEscape: what = "an invalid escape in a string"
        case .loneSurrogate: what = "a \\u escape holds half a surrogate pair"
        case .invalidUTF8: what = "the bytes are not well-formed UTF-8"
        case .duplicateKey: what = "an object has the same key twice"
        }
        return "invalid JSON at byte \(offset): \(what)"
    }
}
