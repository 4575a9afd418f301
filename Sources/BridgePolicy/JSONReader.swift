/// A strict RFC 8259 reader for varlink messages: exactly the grammar, nothing a lenient
/// parser would forgive (BOM, comments, trailing commas, NaN, leading zeros, raw control
/// characters, lone surrogates, ill-formed UTF-8, duplicate keys), and limits on everything,
/// because the privileged broker reads what any local user sends it.
///
/// Recursion is one level per container, so `maximumDepth` bounds the stack.
public enum JSONReader {
    /// One varlink message: the caller is expected to refuse larger messages first, and the
    /// reader refuses them again, so that no caller can forget.
    public static let maximumInputBytes = BrokerInterface.maximumMessageBytes
    /// A varlink call is two levels deep, a reply three; eight leaves room for other peers.
    public static let maximumDepth = 8
    /// Decoded bytes in one string (or key): our interface descriptions are the longest.
    public static let maximumStringBytes = 8192
    /// Members of one object or elements of one array.
    public static let maximumContainerCount = 256

    public static func parse(_ bytes: ArraySlice<UInt8>) -> Result<JSONValue, JSONReadError> {
        guard bytes.count <= maximumInputBytes else { return .failure(JSONReadError(.tooLarge, at: 0)) }
        var scanner = JSONScanner(bytes: bytes)
        do throws(JSONReadError) {
            let value = try scanner.readDocument()
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    public static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONReadError> { parse(bytes[...]) }
}

/// The reader's position in one message. Offsets in errors count from the message's start.
struct JSONScanner {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    mutating func readDocument() throws(JSONReadError) -> JSONValue {
        let value = try readValue(depth: 0)
        skipWhiteSpace()
        guard index == bytes.endIndex else { throw error(.trailingData) }
        return value
    }

    func error(_ problem: JSONReadError.Problem) -> JSONReadError {
        JSONReadError(problem, at: index - bytes.startIndex)
    }

    /// The byte at the position, or an `unexpectedEnd` error there.
    func current() throws(JSONReadError) -> UInt8 {
        guard index < bytes.endIndex else { throw error(.unexpectedEnd) }
        return bytes[index]
    }

    /// RFC 8259's white space: space, tab, line feed, carriage return; nothing else.
    mutating func skipWhiteSpace() {
        while index < bytes.endIndex {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8) throws(JSONReadError) {
        let found = try current()
        guard found == byte else { throw error(.unexpectedByte(found)) }
        index += 1
    }

    mutating func readValue(depth: Int) throws(JSONReadError) -> JSONValue {
        skipWhiteSpace()
        let byte = try current()
        switch byte {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw error(.unexpectedByte(byte))
        }
    }

    mutating func readLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONReadError) -> JSONValue {
        for expected in [UInt8](ascii: word) { try expect(expected) }
        return value
    }

    mutating func readObject(depth: Int) throws(JSONReadError) -> JSONValue {
        var members: [JSONMember] = []
        var keys: Set<[UInt8]> = []
        if try openContainer(depth: depth, closing: UInt8(ascii: "}")) { return .object([]) }
        repeat {
            skipWhiteSpace()
            guard members.count < JSONReader.maximumContainerCount else { throw error(.tooManyEntries) }
            let keyOffset = index
            let found = try current()
            guard found == UInt8(ascii: "\"") else { throw error(.unexpectedByte(found)) }
            let key = try readString()
            guard keys.insert(key).inserted else {
                throw JSONReadError(.duplicateKey, at: keyOffset - bytes.startIndex)
            }
            skipWhiteSpace()
            try expect(UInt8(ascii: ":"))
            members.append(JSONMember(key, try readValue(depth: depth)))
        } while try !closeEntry(closing: UInt8(ascii: "}"))
        return .object(members)
    }

    mutating func readArray(depth: Int) throws(JSONReadError) -> JSONValue {
        var elements: [JSONValue] = []
        if try openContainer(depth: depth, closing: UInt8(ascii: "]")) { return .array([]) }
        repeat {
            guard elements.count < JSONReader.maximumContainerCount else { throw error(.tooManyEntries) }
            elements.append(try readValue(depth: depth))
        } while try !closeEntry(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Steps over a container's opening byte; true when the container is empty (and then
    /// steps over its closing byte too).
    mutating func openContainer(depth: Int, closing: UInt8) throws(JSONReadError) -> Bool {
        guard depth <= JSONReader.maximumDepth else { throw error(.tooDeep) }
        index += 1
        skipWhiteSpace()
        guard try current() == closing else { return false }
        index += 1
        return true
    }

    /// After an entry: steps over a comma (false: another entry follows) or the container's
    /// closing byte (true); anything else is refused where it stands.
    mutating func closeEntry(closing: UInt8) throws(JSONReadError) -> Bool {
        skipWhiteSpace()
        let next = try current()
        guard next == UInt8(ascii: ",") || next == closing else { throw error(.unexpectedByte(next)) }
        index += 1
        return next == closing
    }

    mutating func readNumber() throws(JSONReadError) -> JSONValue {
        let start = index
        let (length, isNumber) = JSONNumber.scan(bytes[start...])
        index += length
        guard isNumber else { throw error(.invalidNumber) }
        // `01`, `-00`: the grammar's number ended at the zero, and a digit follows.
        if index < bytes.endIndex, (0x30...0x39).contains(bytes[index]) { throw error(.invalidNumber) }
        let text = bytes[start..<index]
        let isInteger = !text.contains { [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains($0) }
        if isInteger, let integer = Self.int64(text) { return .integer(integer) }
        return .number(JSONNumber(checkedText: Array(text)))
    }

    /// An integer's text (already checked against the grammar) as Int64, or nil outside it.
    static func int64(_ text: ArraySlice<UInt8>) -> Int64? {
        let isNegative = text.first == UInt8(ascii: "-")
        let digits = isNegative ? text.dropFirst() : text
        // Int64.min's magnitude is one more than Int64.max: read into UInt64 and check.
        guard let magnitude = DecimalNumber.parse(digits, in: UInt64(0)...UInt64(Int64.max) + 1) else { return nil }
        if isNegative { return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude) }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// A string's decoded bytes; the position is on its opening quote.
    mutating func readString() throws(JSONReadError) -> [UInt8] {
        index += 1  // "
        var decoded: [UInt8] = []
        while true {
            guard decoded.count <= JSONReader.maximumStringBytes else { throw error(.stringTooLong) }
            let byte = try current()
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return decoded
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case 0x00..<0x20:
                throw error(.controlCharacter)
            default:
                guard let length = WellFormedUTF8.sequenceLength(in: bytes, at: index) else {
                    throw error(.invalidUTF8)
                }
                decoded += bytes[index..<index + length]
                index += length
            }
        }
    }

    mutating func readEscape(into decoded: inout [UInt8]) throws(JSONReadError) {
        let escapeStart = index
        index += 1  // backslash
        let letter = try current()
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONReadError(.loneSurrogate, at: escapeStart - bytes.startIndex)
            }
            if (0xD800...0xDBFF).contains(scalar) {
                // The high half must be followed at once by `\u` and the low half.
                guard index + 1 < bytes.endIndex, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw JSONReadError(.loneSurrogate, at: escapeStart - bytes.startIndex) }
                index += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONReadError(.loneSurrogate, at: escapeStart - bytes.startIndex)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            // Never nil: surrogates were excluded above and a pair's sum is at most U+10FFFF.
            guard let unicode = Unicode.Scalar(scalar), let encoded = UTF8.encode(unicode) else {
                throw JSONReadError(.loneSurrogate, at: escapeStart - bytes.startIndex)
            }
            decoded += encoded
        default:
            index = escapeStart
            throw error(.invalidEscape)
        }
    }

    mutating func readHex4() throws(JSONReadError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try current()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidEscape)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
