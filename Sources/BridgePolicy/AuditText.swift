/// Audit lines are read by people on terminals and by log tools that split on line
/// separators. Every byte that is not printable ASCII becomes `\xNN` (the backslash too, so
/// that a caller cannot write something that looks like an escape), so no ESC sequence, DEL,
/// NEL or U+2028 that came from a caller reaches the log as it was sent.
public func auditEscaped(_ bytes: [UInt8]) -> [UInt8] {
    let hexDigits = Array("0123456789abcdef".utf8)
    var escaped: [UInt8] = []
    escaped.reserveCapacity(bytes.count)
    for byte in bytes {
        if (0x20...0x7e).contains(byte) && byte != UInt8(ascii: "\\") {
            escaped.append(byte)
        } else {
            escaped += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xf)]]
        }
    }
    return escaped
}
