/// The one reader of numbers that callers write: `--fd=`, `vlan=`, uids and gids (in
/// `user=`/`group=` and in /etc/passwd and /etc/group).
///
/// ASCII digits only: no sign (so no `+` either), no white space, no `0x`; overflow-checked,
/// and within the range the caller gives. No more digits than the range's largest value
/// has, so leading zeros cannot make a line of any length one number.
public enum DecimalNumber {
    public static func parse<Number: FixedWidthInteger>(
        _ text: ArraySlice<UInt8>, in range: ClosedRange<Number>
    ) -> Number? {
        guard !text.isEmpty, text.count <= digitCount(range.upperBound) else { return nil }
        var value: Number = 0
        for byte in text {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = shifted.addingReportingOverflow(Number(byte - UInt8(ascii: "0")))
            guard !overflowed, !carried else { return nil }
            value = sum
        }
        return range.contains(value) ? value : nil
    }

    public static func parse<Number: FixedWidthInteger>(_ text: [UInt8], in range: ClosedRange<Number>) -> Number? {
        parse(text[...], in: range)
    }

    static func digitCount<Number: FixedWidthInteger>(_ value: Number) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 || rest <= -10 {
            rest /= 10
            count += 1
        }
        return count
    }
}
