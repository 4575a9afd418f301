/// UTF-8 as Unicode's table 3-7 defines it: no overlong forms, no encoded surrogates
/// (U+D800...U+DFFF), nothing above U+10FFFF. The JSON reader refuses anything else, and the
/// writer shows anything else as `\xNN`, so both agree on which bytes are text.
public enum WellFormedUTF8 {
    /// The length of the well-formed sequence that starts at `index`, or nil when the byte
    /// there does not start one (or the sequence is cut short by the end of `bytes`).
    static func sequenceLength<Bytes: Collection<UInt8>>(in bytes: Bytes, at index: Bytes.Index) -> Int? {
        let lead = bytes[index]
        let length: Int
        // The second byte's range is where overlongs, surrogates and > U+10FFFF are excluded.
        let second: ClosedRange<UInt8>
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        var position = bytes.index(after: index)
        for offset in 1..<length {
            guard position != bytes.endIndex else { return nil }
            let allowed: ClosedRange<UInt8> = offset == 1 ? second : 0x80...0xBF
            guard allowed.contains(bytes[position]) else { return nil }
            position = bytes.index(after: position)
        }
        return length
    }

    public static func validates<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            guard let length = sequenceLength(in: bytes, at: index) else { return false }
            index = bytes.index(index, offsetBy: length)
        }
        return true
    }

    /// `bytes` with each byte that is not part of well-formed UTF-8 replaced by the text
    /// `\xNN`: what a JSON string written from `bytes` reads back as.
    public static func repaired<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if let length = sequenceLength(in: bytes, at: index) {
                let end = bytes.index(index, offsetBy: length)
                result += bytes[index..<end]
                index = end
            } else {
                result += auditEscaped([bytes[index]])
                index = bytes.index(after: index)
            }
        }
        return result
    }
}
