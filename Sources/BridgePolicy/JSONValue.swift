/// One JSON value as the varlink codec needs it: strings as bytes, integers as Int64, and
/// every other number kept as the text it was sent as (a varlink peer may send one in a
/// field we then refuse by schema; we never compute with it).
public enum JSONValue: Equatable, Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number without fraction or exponent that fits Int64 (`-0` reads as 0).
    case integer(Int64)
    /// Any other number: with a fraction or an exponent, or an integer outside Int64.
    case number(JSONNumber)
    /// The decoded bytes. The reader gives only well-formed UTF-8; the writer takes any bytes.
    case string([UInt8])
    case array([JSONValue])
    /// Members in the order they were read or given; the reader refuses duplicate keys.
    case object([JSONMember])

    /// The value of the member named `key` in an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key.elementsEqual(key.utf8) }?.value
    }
}

public struct JSONMember: Equatable, Hashable, Sendable {
    public var key: [UInt8]
    public var value: JSONValue

    public init(_ key: [UInt8], _ value: JSONValue) {
        self.key = key
        self.value = value
    }

    public init(_ key: String, _ value: JSONValue) { self.init(Array(key.utf8), value) }
}

/// The text of a JSON number, checked against RFC 8259's grammar when made, so that the
/// writer can copy it out and stay valid JSON.
public struct JSONNumber: Equatable, Hashable, Sendable {
    public let text: [UInt8]

    public init?(text: [UInt8]) {
        guard JSONNumber.scan(text[...]) == (text.count, true) else { return nil }
        self.text = text
    }

    /// For the reader, which has just checked the text against the grammar.
    init(checkedText: [UInt8]) { text = checkedText }

    /// How many bytes at the start of `bytes` form the longest number the grammar allows
    /// (`-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`), or, when they start none,
    /// how many came before the byte that broke it. A leading zero followed by a digit is
    /// left for the caller to refuse.
    static func scan(_ bytes: ArraySlice<UInt8>) -> (length: Int, isNumber: Bool) {
        var index = bytes.startIndex
        func isDigit(_ at: Int) -> Bool { at < bytes.endIndex && (0x30...0x39).contains(bytes[at]) }
        func skipDigits() -> Bool {
            guard isDigit(index) else { return false }
            while isDigit(index) { index += 1 }
            return true
        }
        func broken() -> (length: Int, isNumber: Bool) { (index - bytes.startIndex, false) }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { index += 1 }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if !skipDigits() {
            return broken()
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() else { return broken() }
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() else { return broken() }
        }
        return (index - bytes.startIndex, true)
    }
}
