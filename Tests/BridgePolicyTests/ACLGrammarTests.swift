// Contract section 3 (one line of bridge.conf) and section 5 (lines we refuse where the
// C helper would misread them). Each line is given without its `\n`, as the loader does.
import Testing

@testable import BridgePolicy

private func parse(_ line: String) -> ACLLine { ACLGrammar.parse(bytes(line)[...]) }
private func parse(_ line: [UInt8]) -> ACLLine { ACLGrammar.parse(line[...]) }
private func bridge(_ name: String) -> ACLRule.Target { .bridge(bytes(name)) }

@Suite struct ACLLineGrammar {
    @Test(arguments: [
        "", " ", "\t", "\r", "   \t \r", "\u{0B}\u{0C}",
        "#", "#allow all", "# allow all", "   # allow all", "\t#allow all", "\r#x",
    ])
    func skipsBlankLinesAndComments(line: String) {
        #expect(parse(line) == .blank)
    }

    @Test(arguments: [
        ("allow br0", ACLLine.allow(bridge("br0"))),
        ("deny br0", .deny(bridge("br0"))),
        ("allow all", .allow(.all)),
        ("deny all", .deny(.all)),
        // Leading white space is skipped; the argument is trimmed, CR included.
        ("   allow br0", .allow(bridge("br0"))),
        ("\t \u{0B}allow br0", .allow(bridge("br0"))),
        ("allow    br0   ", .allow(bridge("br0"))),
        ("allow br0\r", .allow(bridge("br0"))),
        ("deny all\r", .deny(.all)),
        ("allow \t br0 \t\r", .allow(bridge("br0"))),
        // A tab separates only when the line has no space at all.
        ("allow\tbr0", .allow(bridge("br0"))),
        ("allow\t\tbr0\r", .allow(bridge("br0"))),
        // `all` is only lowercase `all`; other spellings are bridge names.
        ("allow ALL", .allow(bridge("ALL"))),
        ("deny All", .deny(bridge("All"))),
        ("allow all0", .allow(bridge("all0"))),
        // Only the ends are trimmed: inner white space stays in the name, as in the C helper.
        ("allow br 0", .allow(bridge("br 0"))),
        // An empty argument is an (unmatchable) empty name, as in the C helper.
        ("allow ", .allow(bridge(""))),
        ("deny \r", .deny(bridge(""))),
        // 15 bytes is the longest name.
        ("allow 0123456789abcde", .allow(bridge("0123456789abcde"))),
        // UTF-8 is kept byte for byte (NFC and NFD stay different).
        ("allow br\u{E9}", .allow(.bridge([0x62, 0x72, 0xC3, 0xA9]))),
        ("allow bre\u{301}", .allow(.bridge([0x62, 0x72, 0x65, 0xCC, 0x81]))),
        // Includes: no length limit, trimmed like any argument.
        ("include /etc/qemu/alice.conf", .include(bytes("/etc/qemu/alice.conf"))),
        ("include users/alice.conf\r", .include(bytes("users/alice.conf"))),
        ("include\t/etc/qemu/a.conf", .include(bytes("/etc/qemu/a.conf"))),
        ("include /etc/qemu/0123456789abcdef.conf", .include(bytes("/etc/qemu/0123456789abcdef.conf"))),
        ("include all", .include(bytes("all"))),
        ("include ", .include([])),
    ])
    func parsesCommands(line: String, expected: ACLLine) {
        #expect(parse(line) == expected)
    }

    @Test func keepsNonUTF8NameBytes() {
        #expect(parse(bytes("allow br") + [0xFF, 0x80]) == .allow(.bridge([0x62, 0x72, 0xFF, 0x80])))
    }

    @Test(arguments: [
        ("Allow br0", "Allow"),
        ("ALLOW br0", "ALLOW"),
        ("Deny br0", "Deny"),
        ("Include x", "Include"),
        ("permit br0", "permit"),
        ("foo bar", "foo"),
        // With a space on the line, a tab is part of the command word.
        ("allow\tbr0 x", "allow\tbr0"),
        ("  deny\tall #why", "deny\tall"),
    ])
    func refusesUnknownCommands(line: String, command: String) {
        #expect(parse(line) == .invalid(.unknownCommand(bytes(command))))
        #expect(ACLLineProblem.unknownCommand(bytes(command)).message.bytes == bytes("Unknown command `\(command)'"))
    }

    @Test(arguments: ["allow", "deny", "allow\r", "  allowbr0", "include", "\tallow\r"])
    func refusesLinesWithoutSeparator(line: String) {
        #expect(parse(line) == .invalid(.noSeparator(line: bytes(line))))
        // The C helper prints the raw line, leading white space and all, under the message.
        #expect(ACLLineProblem.noSeparator(line: bytes(line)).message.bytes == bytes("Invalid config line:\n  \(line)"))
    }

    @Test(arguments: [
        ("allow 0123456789abcdef", "0123456789abcdef"),
        ("deny 0123456789abcdefg", "0123456789abcdefg"),
        ("allow  0123456789abcdef \r", "0123456789abcdef"),
        // Checked before the command word is looked at.
        ("foo 0123456789abcdef", "0123456789abcdef"),
        ("Allow 0123456789abcdef", "0123456789abcdef"),
        // Bytes, not characters.
        ("allow éééééééé", "éééééééé"),
    ])
    func refusesLongNamesBeforeTheCommandWord(line: String, name: String) {
        #expect(parse(line) == .invalid(.nameTooLong(bytes(name))))
        #expect(
            ACLLineProblem.nameTooLong(bytes(name)).message.bytes
                == bytes("name `\(name)' too long: \(bytes(name).count)"))
    }

    @Test(arguments: [
        bytes("allow br0") + [0] + bytes("x"),
        bytes("allow br0") + [0],
        [0] + bytes("allow all"),
        // Even in a comment: the C helper would cut the line there, we refuse it.
        bytes("# allow") + [0] + bytes("all"),
    ])
    func refusesNULBytes(line: [UInt8]) {
        #expect(parse(line) == .invalid(.containsNUL))
    }

    @Test func acceptsTheLongestLineTheCHelperReadsWhole() {
        let line = bytes("allow br0") + bytes(repeating: " ", count: ACLGrammar.maximumLineLength - 9)
        #expect(line.count == 4095)
        #expect(parse(line) == .allow(bridge("br0")))
        let comment = bytes("#") + bytes(repeating: "x", count: 4094)
        #expect(parse(comment) == .blank)
    }

    /// The C helper would read the tail of such a line as a line of its own: a comment
    /// could smuggle in `allow all`.
    @Test func refusesLinesTheCHelperWouldSplit() {
        let smuggler = bytes("#") + bytes(repeating: "x", count: 4094) + bytes("allow all")
        #expect(parse(smuggler) == .invalid(.lineTooLong(4104)))
        let justOver = bytes("allow br0") + bytes(repeating: " ", count: 4087)
        #expect(justOver.count == 4096)
        #expect(parse(justOver) == .invalid(.lineTooLong(4096)))
    }

    @Test func onlyTheCHelpersMessagesAreMarkedAsSuch() {
        #expect(ACLLineProblem.noSeparator(line: bytes("x")).isCHelperMessage)
        #expect(ACLLineProblem.unknownCommand(bytes("x")).isCHelperMessage)
        #expect(ACLLineProblem.nameTooLong(bytes("x")).isCHelperMessage)
        #expect(!ACLLineProblem.containsNUL.isCHelperMessage)
        #expect(!ACLLineProblem.lineTooLong(4096).isCHelperMessage)
    }

    @Test func ourMessagesSayWhatTheCHelperWouldHaveDone() {
        #expect(
            ACLLineProblem.containsNUL.message
                == "the line contains a NUL byte (the C helper would silently cut it there)")
        #expect(
            ACLLineProblem.lineTooLong(5000).message
                == "the line is 5000 bytes long; at most 4095 are allowed (the C helper would read the rest as a new line)"
        )
    }
}

@Suite struct ACLFileLines {
    @Test(arguments: [
        ("", [String]()),
        ("\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\nb", ["a", "b"]),
        ("a\n\nb\n", ["a", "", "b"]),
        ("a\r\nb\r\n", ["a\r", "b\r"]),
        ("a\rb", ["a\rb"]),
    ])
    func splitsAtNewlinesOnly(contents: String, expected: [String]) {
        #expect(ACLGrammar.lines(of: bytes(contents)).map(Array.init) == expected.map(bytes))
    }
}
