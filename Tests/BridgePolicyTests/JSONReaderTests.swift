// The strict JSON reader under the varlink codec: RFC 8259's grammar exactly, every refusal
// with its byte offset, and the limits just at and just over.
import Testing

@testable import BridgePolicy

private func read(_ text: String) -> Result<JSONValue, JSONReadError> { JSONReader.parse(bytes(text)) }
private func read(_ raw: [UInt8]) -> Result<JSONValue, JSONReadError> { JSONReader.parse(raw) }
private func refusal(_ problem: JSONReadError.Problem, at offset: Int) -> Result<JSONValue, JSONReadError> {
    .failure(JSONReadError(problem, at: offset))
}
private func string(_ text: String) -> JSONValue { .string(bytes(text)) }
private func number(_ text: String) -> JSONValue { .number(JSONNumber(text: bytes(text))!) }

@Suite struct AcceptedJSON {
    @Test(arguments: [
        ("null", JSONValue.null), ("true", .bool(true)), ("false", .bool(false)),
        (" \t\r\n 0 \t\r\n", .integer(0)), ("-0", .integer(0)), ("42", .integer(42)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        // Outside Int64, or with a fraction or exponent: kept as text.
        ("9223372036854775808", number("9223372036854775808")),
        ("-9223372036854775809", number("-9223372036854775809")),
        ("1.5", number("1.5")), ("-0.0", number("-0.0")), ("1e3", number("1e3")), ("1E+3", number("1E+3")),
        ("2.5e-10", number("2.5e-10")), ("1.0", number("1.0")),
        ("\"\"", string("")), ("\"a b\"", string("a b")),
        (#""\" \\ \/ \b \f \n \r \t""#, string("\" \\ / \u{8} \u{c} \n \r \t")),
        (#""\u0000\u001F\u00e9\u20AC""#, string("\u{0}\u{1f}é€")),
        (#""\uD83D\uDE00""#, string("😀")), ("\"é€😀\u{7f}\"", string("é€😀\u{7f}")),
        ("[]", .array([])), ("[ 1 , [ ] , { } ]", .array([.integer(1), .array([]), .object([])])),
        ("{}", .object([])),
        (
            #"{"b":1,"a":[true,null]}"#,
            .object([JSONMember("b", .integer(1)), JSONMember("a", .array([.bool(true), .null]))])
        ),
        // Keys that differ only by Unicode equivalence are different keys (K and KELVIN SIGN).
        ("{\"K\":1,\"\u{212A}\":2}", .object([JSONMember("K", .integer(1)), JSONMember("\u{212A}", .integer(2))])),
    ])
    func reads(text: String, expected: JSONValue) {
        #expect(read(text) == .success(expected))
    }

    @Test func theLargestScalarAndTheEdgesOfTheSurrogateGap() {
        #expect(read([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]) == .success(.string([0xF4, 0x8F, 0xBF, 0xBF])))
        #expect(read([0x22, 0xED, 0x9F, 0xBF, 0x22]) == .success(.string([0xED, 0x9F, 0xBF])))
        #expect(read([0x22, 0xEE, 0x80, 0x80, 0x22]) == .success(.string([0xEE, 0x80, 0x80])))
        #expect(read(#""\uDBFF\uDFFF""#) == .success(.string([0xF4, 0x8F, 0xBF, 0xBF])))
    }
}

@Suite struct RefusedJSON {
    @Test(arguments: [
        ("", JSONReadError.Problem.unexpectedEnd, 0), ("  ", .unexpectedEnd, 2),
        ("1 2", .trailingData, 2), ("{} x", .trailingData, 3), ("nullx", .trailingData, 4),
        ("\u{FEFF}{}", .unexpectedByte(0xEF), 0),
        ("// c\n{}", .unexpectedByte(0x2F), 0), ("{/*c*/}", .unexpectedByte(0x2F), 1),
        ("# c\n1", .unexpectedByte(0x23), 0),
        ("[1,]", .unexpectedByte(0x5D), 3), (#"{"a":1,}"#, .unexpectedByte(0x7D), 7),
        ("[,1]", .unexpectedByte(0x2C), 1),
        ("NaN", .unexpectedByte(0x4E), 0), ("Infinity", .unexpectedByte(0x49), 0), ("-Infinity", .invalidNumber, 1),
        ("nan", .unexpectedByte(0x61), 1), ("True", .unexpectedByte(0x54), 0), ("nul", .unexpectedEnd, 3),
        ("01", .invalidNumber, 1), ("-01", .invalidNumber, 2), ("00", .invalidNumber, 1), ("1.", .invalidNumber, 2),
        (".5", .unexpectedByte(0x2E), 0), ("+1", .unexpectedByte(0x2B), 0), ("1e", .invalidNumber, 2),
        ("1e+", .invalidNumber, 3), ("-", .invalidNumber, 1), ("0x10", .trailingData, 1),
        ("'a'", .unexpectedByte(0x27), 0), (#"{a:1}"#, .unexpectedByte(0x61), 1),
        (#"{"a" 1}"#, .unexpectedByte(0x31), 5),
        (#"[1 2]"#, .unexpectedByte(0x32), 3), (#"{"a":1 "b":2}"#, .unexpectedByte(0x22), 7),
        ("\"a", .unexpectedEnd, 2), ("\"a\tb\"", .controlCharacter, 2), ("\"a\nb\"", .controlCharacter, 2),
        ("\"\u{0}\"", .controlCharacter, 1), ("\"\u{1f}\"", .controlCharacter, 1),
        (#""\x41""#, .invalidEscape, 1), (#""\U0041""#, .invalidEscape, 1), (#""\u00G0""#, .invalidEscape, 5),
        (#""\u12""#, .invalidEscape, 5), (#""\'""#, .invalidEscape, 1),
        (#""\uD800""#, .loneSurrogate, 1), (#""\uDC00""#, .loneSurrogate, 1), (#""x\uDBFFx""#, .loneSurrogate, 2),
        (#""\uD800\u0041""#, .loneSurrogate, 1), (#""\uD800\uD800""#, .loneSurrogate, 1),
        (#""\uD800\n""#, .loneSurrogate, 1),
        (#"{"a":1,"a":2}"#, .duplicateKey, 7), (#"{"a":{"b":1,"b":1}}"#, .duplicateKey, 12),
        (#"{"\u0061":1,"a":2}"#, .duplicateKey, 12),
    ])
    func refuses(text: String, problem: JSONReadError.Problem, offset: Int) {
        #expect(read(text) == refusal(problem, at: offset))
    }

    @Test(
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF],  // overlong 2-byte
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],  // overlong 3-byte
            [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong 4-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // surrogates encoded in UTF-8
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF],  // above U+10FFFF
            [0x80], [0xBF],  // a lone continuation byte
            [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98],  // cut short
            [0xC3, 0x41],  // a lead byte without its continuation
        ] as [[UInt8]])
    func refusesIllFormedUTF8(sequence: [UInt8]) {
        #expect(read([0x22, 0x61] + sequence + [0x22]) == refusal(.invalidUTF8, at: 2))
    }

    @Test func illFormedUTF8OutsideStringsIsAnUnexpectedByte() {
        #expect(read([0x5B, 0xC3, 0xA9, 0x5D]) == refusal(.unexpectedByte(0xC3), at: 1))
    }
}

@Suite struct JSONLimits {
    private func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test func depthJustAtAndOverTheLimit() {
        #expect((try? read(nested(JSONReader.maximumDepth)).get()) != nil)
        #expect(read(nested(JSONReader.maximumDepth + 1)) == refusal(.tooDeep, at: JSONReader.maximumDepth))
        let objects =
            String(repeating: #"{"a":"#, count: JSONReader.maximumDepth + 1) + "1"
            + String(repeating: "}", count: JSONReader.maximumDepth + 1)
        #expect(read(objects) == refusal(.tooDeep, at: 5 * JSONReader.maximumDepth))
    }

    @Test func aDeepHostileInputIsRefusedWithoutRecursingIntoIt() {
        #expect(read(String(repeating: "[", count: 10_000)) == refusal(.tooDeep, at: JSONReader.maximumDepth))
    }

    @Test func sizeJustAtAndOverTheLimit() {
        let padding = JSONReader.maximumInputBytes - 2
        let atLimit = [UInt8(ascii: "1")] + [UInt8](repeating: 0x20, count: padding) + [UInt8(ascii: "2")]
        #expect(
            read(atLimit) == refusal(.trailingData, at: JSONReader.maximumInputBytes - 1), "read, not refused by size")
        let fits = [UInt8](repeating: 0x20, count: padding + 1) + [UInt8(ascii: "7")]
        #expect(fits.count == JSONReader.maximumInputBytes)
        #expect(read(fits) == .success(.integer(7)))
        #expect(read(fits + [0x20]) == refusal(.tooLarge, at: 0))
    }

    @Test func stringLengthJustAtAndOverTheLimit() {
        let atLimit = bytes(repeating: "a", count: JSONReader.maximumStringBytes)
        #expect(read([0x22] + atLimit + [0x22]) == .success(.string(atLimit)))
        #expect(
            read([0x22] + atLimit + [0x61, 0x22]) == refusal(.stringTooLong, at: JSONReader.maximumStringBytes + 2))
        // Decoded length counts: each \u00e9 is two bytes.
        let escapes = String(repeating: #"\u00e9"#, count: JSONReader.maximumStringBytes / 2 + 1)
        #expect((try? read("\"" + escapes + "\"").get()) == nil)
    }

    @Test func entriesJustAtAndOverTheLimit() {
        let count = JSONReader.maximumContainerCount
        let elements = Array(repeating: "0", count: count).joined(separator: ",")
        #expect(read("[" + elements + "]") == .success(.array(Array(repeating: .integer(0), count: count))))
        #expect(read("[" + elements + ",0]") == refusal(.tooManyEntries, at: 2 * count + 1))
        let members = (0..<count).map { #""k\#($0)":0"# }.joined(separator: ",")
        guard case .success(.object(let read)) = read("{" + members + "}") else {
            Issue.record("\(count) members were refused")
            return
        }
        #expect(read.count == count)
        #expect((try? self.read("{" + members + #","x":0}"#).get()) == nil)
    }

    private func read(_ text: String) -> Result<JSONValue, JSONReadError> { JSONReader.parse(bytes(text)) }
    private func read(_ raw: [UInt8]) -> Result<JSONValue, JSONReadError> { JSONReader.parse(raw) }
}

@Test func offsetsCountFromTheStartOfTheSlice() {
    let message = bytes("xxxx[1,]")
    #expect(JSONReader.parse(message[4...]) == refusal(.unexpectedByte(0x5D), at: 3))
}

@Test func errorsNameTheirByteInTheMessage() {
    #expect(JSONReadError(.unexpectedByte(0x1B), at: 3).message == "invalid JSON at byte 3: unexpected byte \\x1b")
    #expect(JSONReadError(.duplicateKey, at: 9).message == "invalid JSON at byte 9: an object has the same key twice")
}
