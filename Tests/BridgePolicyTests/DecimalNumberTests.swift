// DecimalNumber: the one reader of `--fd=`, `vlan=`, uids and gids. The rules are the same
// for every caller; only the range differs.
import Testing

@testable import BridgePolicy

private func parse<Number: FixedWidthInteger>(_ text: String, _ range: ClosedRange<Number>) -> Number? {
    DecimalNumber.parse(Array(text.utf8), in: range)
}

@Test(arguments: ["", "+5", "-5", "-0", " 5", "5 ", "5\n", "0x10", "5junk", "1_000", "1e3", "٣"])
func onlyDigitsAreANumber(text: String) {
    #expect(parse(text, 0...Int32.max) == nil)
    #expect(parse(text, RuleOptions.vlanRange) == nil)
    #expect(AccountID.parse(Array(text.utf8)) == nil)
}

@Test func theCallersRangeDecides() {
    #expect(parse("2147483647", 0...Int32.max) == Int32.max)
    #expect(parse("2147483648", 0...Int32.max) == nil)
    #expect(parse("0", RuleOptions.vlanRange) == nil)
    #expect(parse("4094", RuleOptions.vlanRange) == 4094)
    #expect(parse("4095", RuleOptions.vlanRange) == nil)
    #expect(AccountID.parse(Array("4294967294".utf8)) == 4_294_967_294)
    #expect(AccountID.parse(Array("4294967295".utf8)) == nil, "(uid_t)-1 means no id to the kernel")
}

@Test func overflowIsRefusedNotWrapped() {
    #expect(parse("18446744073709551615", 0...UInt64.max) == UInt64.max)
    #expect(parse("18446744073709551616", 0...UInt64.max) == nil)
    #expect(parse("99999999999999999999", 0...UInt64.max) == nil)
    #expect(parse("300", 0...UInt8.max) == nil)
    #expect(parse("255", 0...UInt8.max) == 255)
}

@Test func leadingZerosOnlyUpToTheDigitsOfTheLargestValue() {
    #expect(parse("007", 0...Int32.max) == 7)
    #expect(parse("0000000007", 0...Int32.max) == 7)
    #expect(parse("00000000007", 0...Int32.max) == nil)
    #expect(parse("0010", RuleOptions.vlanRange) == 10)
    #expect(parse("00010", RuleOptions.vlanRange) == nil)
}
