/// A line of text for a person, kept as bytes.
///
/// Names come from argv and from ACL files, and either may hold bytes that are not UTF-8.
/// Swift `String` would repair them (and compares by Unicode equivalence), so names are
/// bytes end to end and messages interpolate those bytes unchanged, as the C helper's
/// `%s` does.
public struct Message: ExpressibleByStringInterpolation, Equatable, Hashable, Sendable,
    CustomStringConvertible
{
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(stringLiteral value: String) { bytes = Array(value.utf8) }
    public init(stringInterpolation: StringInterpolation) { bytes = stringInterpolation.bytes }

    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public struct StringInterpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []
        public init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }
        public mutating func appendLiteral(_ literal: String) { bytes += literal.utf8 }
        public mutating func appendInterpolation(_ raw: [UInt8]) { bytes += raw }
        public mutating func appendInterpolation(_ raw: ArraySlice<UInt8>) { bytes += raw }
        public mutating func appendInterpolation(_ number: Int) { appendDecimal(Int64(number)) }
        public mutating func appendInterpolation(_ number: Int64) { appendDecimal(number) }
        public mutating func appendInterpolation(_ number: Int32) { appendDecimal(Int64(number)) }
        public mutating func appendInterpolation(_ number: UInt32) { appendDecimal(Int64(number)) }
        public mutating func appendInterpolation(_ text: String) { bytes += text.utf8 }
        public mutating func appendInterpolation(_ message: Message) { bytes += message.bytes }

        /// Digits straight into the bytes, not through `String(number)`: the helper's audit
        /// line has a uid in it, and the stdlib's integer printing is code a start would
        /// otherwise fault in for that alone.
        mutating func appendDecimal(_ number: Int64) {
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            var rest = number.magnitude
            let firstDigit = bytes.endIndex
            repeat {
                bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            bytes[firstDigit...].reverse()
        }
    }
}

/// `g_ascii_isspace`, which the C helper uses to trim ACL lines: space, \t, \n, \v, \f, \r.
@inline(__always)
func isASCIISpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0d).contains(byte)
}

extension Array where Element == UInt8 {
    /// The bytes of a Swift string literal, for comparing against raw names.
    init(ascii text: StaticString) {
        self = text.withUTF8Buffer { Array($0) }
    }
}
