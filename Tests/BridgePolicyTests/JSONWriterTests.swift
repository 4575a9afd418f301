// The canonical JSON writer: compact, RFC 8259's escapes, and bytes that are not UTF-8 kept
// readable as `\xNN`.
import Testing

@testable import BridgePolicy

private func written(_ value: JSONValue) -> String { String(decoding: JSONWriter.write(value), as: UTF8.self) }

@Test func writesCompactCanonicalJSON() {
    let value = JSONValue.object([
        JSONMember("b", .array([.null, .bool(true), .bool(false), .integer(-12), .integer(.min)])),
        JSONMember("a", .object([])),
        JSONMember("n", .number(JSONNumber(text: bytes("1.5e-3"))!)),
    ])
    #expect(written(value) == #"{"b":[null,true,false,-12,-9223372036854775808],"a":{},"n":1.5e-3}"#)
}

@Test func escapesOnlyWhatTheGrammarRequiresInTheShortestForm() {
    let text: [UInt8] = [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x00, 0x1F, 0x7F] + bytes("é€😀")
    #expect(written(.string(text)) == "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}é€😀\"")
}

@Test func bytesThatAreNotUTF8AreWrittenAsBackslashXNN() {
    // An overlong `/`, a lone continuation, an encoded surrogate, a cut-short sequence, 0xFF.
    let line: [UInt8] = [0x61, 0xC0, 0xAF, 0x62, 0x80, 0xED, 0xA0, 0x80, 0xE2, 0x82, 0xFF]
    #expect(written(.string(line)) == #""a\\xc0\\xafb\\x80\\xed\\xa0\\x80\\xe2\\x82\\xff""#)
    #expect(
        JSONReader.parse(JSONWriter.write(.string(line)))
            == .success(.string(bytes(#"a\xc0\xafb\x80\xed\xa0\x80\xe2\x82\xff"#))))
    #expect(WellFormedUTF8.repaired(line) == bytes(#"a\xc0\xafb\x80\xed\xa0\x80\xe2\x82\xff"#))
}

@Test func aValidSequenceAfterAnInvalidByteIsKept() {
    #expect(written(.string([0xC3, 0xC3, 0xA9])) == #""\\xc3é""#)
}

@Test(arguments: [
    #"{"method":"io.swiftbridgehelper.Bridge.OpenTap","parameters":{"bridge":"br0","queues":4}}"#,
    #"[1,-0.5,1E400,123456789012345678901234567890,"\u0001",{"":[[]]}]"#,
    #"  { "a" : "\u00e9\uD83D\uDE00\/" , "b" : [ ] }  "#,
])
func whatIsReadIsWrittenCanonicallyAndReadsBackEqual(text: String) throws {
    let value = try JSONReader.parse(bytes(text)).get()
    let canonical = JSONWriter.write(value)
    #expect(try JSONReader.parse(canonical).get() == value)
    #expect(JSONWriter.write(try JSONReader.parse(canonical).get()) == canonical, "a fixed point")
    #expect(canonical.count <= bytes(text).count, "never longer than what was read")
}

@Test func numbersAreOnlyMadeFromValidText() {
    #expect(JSONNumber(text: bytes("-1.5E+7")) != nil)
    for invalid in ["", "-", "01", "1.", ".1", "1e", "NaN", "1 ", "+1", "0x1"] {
        #expect(JSONNumber(text: bytes(invalid)) == nil, "\(invalid)")
    }
}
