/// Canonical compact JSON: no white space, members in the order given, and in strings only
/// the escapes RFC 8259 requires, in their short form where there is one.
///
/// Strings are bytes, and may come from ACL files that hold any bytes: every byte that is
/// not part of well-formed UTF-8 is written as the text `\xNN` (its backslash escaped), so the
/// string stays valid JSON and reads back as `\xNN`, as the audit log shows such bytes.
///
/// Recursion is one level per container: the writer is given values that the reader read
/// (so at most `JSONReader.maximumDepth` deep) or that the codec built.
public enum JSONWriter {
    public static func write(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        append(value, to: &output)
        return output
    }

    public static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output += [UInt8](ascii: "null")
        case .bool(let flag): output += flag ? [UInt8](ascii: "true") : [UInt8](ascii: "false")
        case .integer(let integer):
            let digits: Message = "\(integer)"
            output += digits.bytes
        case .number(let number): output += number.text
        case .string(let bytes): appendString(bytes, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    public static func appendString<Bytes: Collection<UInt8>>(_ bytes: Bytes, to output: inout [UInt8]) {
        let hexDigits = [UInt8](ascii: "0123456789abcdef")
        output.append(UInt8(ascii: "\""))
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8](ascii: "\\\"")
            case UInt8(ascii: "\\"): output += [UInt8](ascii: "\\\\")
            case 0x08: output += [UInt8](ascii: "\\b")
            case 0x0C: output += [UInt8](ascii: "\\f")
            case 0x0A: output += [UInt8](ascii: "\\n")
            case 0x0D: output += [UInt8](ascii: "\\r")
            case 0x09: output += [UInt8](ascii: "\\t")
            case 0x00..<0x20:
                output += [UInt8](ascii: "\\u00") + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            case 0x20..<0x80: output.append(byte)
            default:
                if let length = WellFormedUTF8.sequenceLength(in: bytes, at: index) {
                    let end = bytes.index(index, offsetBy: length)
                    output += bytes[index..<end]
                    index = end
                    continue
                }
                output += [UInt8](ascii: "\\\\x") + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
            index = bytes.index(after: index)
        }
        output.append(UInt8(ascii: "\""))
    }
}
