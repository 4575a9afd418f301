// Contract section 2: the command line, with the C helper's precedence of errors
// (unknown argument, then missing option, then name length), then our stricter checks.
import Testing

@testable import BridgePolicy

private func parse(_ arguments: [String]) -> Result<HelperRequest, ArgumentProblem> {
    parseArguments(arguments.map(bytes))
}

private func request(vnet: Bool, _ bridge: String, fd: Int32) -> HelperRequest {
    HelperRequest(useVnet: vnet, bridge: bytes(bridge), socketFD: fd)
}

@Suite struct AcceptedArguments {
    @Test(arguments: [
        // QEMU's order, then libvirt's, then any other.
        (["--use-vnet", "--fd=5", "--br=br0"], request(vnet: true, "br0", fd: 5)),
        (["--use-vnet", "--br=br0", "--fd=5"], request(vnet: true, "br0", fd: 5)),
        (["--fd=3", "--br=virbr0", "--use-vnet"], request(vnet: true, "virbr0", fd: 3)),
        (["--br=br0", "--fd=5"], request(vnet: false, "br0", fd: 5)),
        // A repeated option: the last one wins.
        (["--br=first", "--fd=1", "--br=second", "--fd=7"], request(vnet: false, "second", fd: 7)),
        (["--use-vnet", "--use-vnet", "--br=br0", "--fd=4"], request(vnet: true, "br0", fd: 4)),
        (["--fd=-1", "--fd=6", "--br=br0"], request(vnet: false, "br0", fd: 6)),
        // File descriptor numbers: zero, leading zeros, the largest Int32.
        (["--br=br0", "--fd=0"], request(vnet: false, "br0", fd: 0)),
        (["--br=br0", "--fd=007"], request(vnet: false, "br0", fd: 7)),
        (["--br=br0", "--fd=2147483647"], request(vnet: false, "br0", fd: Int32.max)),
        // Names: 15 bytes is the longest; `...` and `-` are valid interface names.
        (["--br=0123456789abcde", "--fd=3"], request(vnet: false, "0123456789abcde", fd: 3)),
        (["--br=...", "--fd=3"], request(vnet: false, "...", fd: 3)),
        (["--br=--fd=9", "--fd=3"], request(vnet: false, "--fd=9", fd: 3)),
    ])
    func parses(arguments: [String], expected: HelperRequest) {
        #expect(parse(arguments) == .success(expected))
    }

    @Test(arguments: [
        [0x62, 0x72, 0xC3, 0xA9] as [UInt8],  // "bré", UTF-8, precomposed (NFC)
        [0x62, 0x72, 0x65, 0xCC, 0x81],  // "bré", UTF-8, decomposed (NFD)
        [0x62, 0x72, 0xFF, 0xFE],  // not UTF-8 at all
        [0x62, 0x72, 0x7F, 0x01],  // DEL and a control byte: the kernel allows them
    ])
    func keepsNameBytesExactly(name: [UInt8]) {
        let result = parseArguments([bytes("--br=") + name, bytes("--fd=3")])
        #expect(result == .success(HelperRequest(useVnet: false, bridge: name, socketFD: 3)))
    }
}

@Suite struct RejectedArguments {
    @Test(arguments: [
        ["--help"],
        ["--br", "br0", "--fd=3"],  // `--br NAME` without `=`
        ["--use-vnet=1", "--br=br0", "--fd=3"],
        ["", "--br=br0", "--fd=3"],
        ["--br=br0", "--fd=3", ""],
        ["--BR=br0", "--fd=3"],
        ["-br=br0", "--fd=3"],
        ["--use-vnet ", "--br=br0", "--fd=3"],
        ["--br=br0", "--fd=3", "extra"],
        ["--fd", "3", "--br=br0"],
        // An unknown argument is reported before a name that is too long.
        ["--br=0123456789abcdefXYZ", "--fd=3", "--help"],
        // Missing options.
        [],
        ["--use-vnet"],
        ["--br=br0"],
        ["--fd=3"],
        // A missing --fd= is also reported before a name that is too long.
        ["--br=0123456789abcdef"],
        // `--fd=-1` is the C helper's "no fd" sentinel, also when it comes last.
        ["--br=br0", "--fd=-1"],
        ["--fd=3", "--br=br0", "--fd=-1"],
    ])
    func printsUsage(arguments: [String]) {
        #expect(parse(arguments) == .failure(.usage))
    }

    @Test func usageLineIsTheCHelpersWithOurName() {
        #expect(ArgumentProblem.usage.message == "Usage: swift-bridge-helper [--use-vnet] --br=bridge --fd=unixfd")
    }

    @Test(arguments: [
        ("0123456789abcdef", "name `0123456789abcdef' too long: 16"),
        ("0123456789abcdefg", "name `0123456789abcdefg' too long: 17"),
        // Bytes, not characters: eight two-byte `é` are 16 bytes.
        ("éééééééé", "name `éééééééé' too long: 16"),
        // The length is the C helper's first check on the name, before any of ours.
        ("0123456789/abcdef", "name `0123456789/abcdef' too long: 17"),
    ])
    func refusesLongNamesWithoutTruncating(name: String, message: String) {
        let result = parse(["--br=\(name)", "--fd=3"])
        #expect(result == .failure(.nameTooLong(bytes(name))))
        if case .failure(let problem) = result { #expect(problem.message.bytes == bytes(message)) }
    }

    @Test func checksNameLengthBeforeTheFDNumber() {
        #expect(parse(["--br=0123456789abcdef", "--fd=junk"]) == .failure(.nameTooLong(bytes("0123456789abcdef"))))
    }

    @Test(arguments: [
        ("", "invalid bridge name `': the name is empty"),
        ("/", "invalid bridge name `/': it contains `/'"),
        ("br/0", "invalid bridge name `br/0': it contains `/'"),
        (":", "invalid bridge name `:': it contains `:'"),
        ("br0:1", "invalid bridge name `br0:1': it contains `:'"),
        (".", "invalid bridge name `.': `.' and `..' are not interface names"),
        ("..", "invalid bridge name `..': `.' and `..' are not interface names"),
        (" br0", "invalid bridge name ` br0': it contains white space"),
        ("br 0", "invalid bridge name `br 0': it contains white space"),
        ("br0\t", "invalid bridge name `br0\t': it contains white space"),
        ("br\n0", "invalid bridge name `br\n0': it contains white space"),
        ("br\u{0B}0", "invalid bridge name `br\u{0B}0': it contains white space"),
        ("br\u{0C}0", "invalid bridge name `br\u{0C}0': it contains white space"),
        ("br0\r", "invalid bridge name `br0\r': it contains white space"),
    ])
    func refusesNamesTheKernelRefuses(name: String, message: String) {
        let result = parse(["--br=\(name)", "--fd=3"])
        guard case .failure(let problem) = result, case .invalidBridgeName(let refused, _) = problem else {
            Issue.record("expected an invalid bridge name, got \(result)")
            return
        }
        #expect(refused == bytes(name))
        #expect(problem.message.bytes == bytes(message))
    }

    /// Found by trying every byte against the kernel (`ip link add name xBy type bridge`):
    /// besides the above it refuses 0xA0 (its isspace() is Latin-1's) and `%' (a template).
    @Test(arguments: [
        ([0x62, 0x72, 0xC3, 0xA0] as [UInt8], "it contains byte 0xA0, which the kernel counts as white space"),  // "brà"
        ([0x62, 0x72, 0xA0], "it contains byte 0xA0, which the kernel counts as white space"),
        (Array("br%d".utf8), "it contains `%'"),
        (Array("x%y".utf8), "it contains `%'"),
    ])
    func refusesBytesOnlyTheKernelKnowsAreInvalid(name: [UInt8], reason: String) {
        let result = parseArguments([bytes("--br=") + name, bytes("--fd=3")])
        #expect(result == .failure(.invalidBridgeName(name, Message(stringLiteral: reason))))
    }

    @Test func checksTheNameBeforeTheFDNumber() {
        let result = parse(["--br=a/b", "--fd=junk"])
        guard case .failure(.invalidBridgeName(let name, _)) = result else {
            Issue.record("expected an invalid bridge name, got \(result)")
            return
        }
        #expect(name == bytes("a/b"))
    }

    @Test(arguments: [
        "5junk",  // the C helper's atoi would read 5
        "",  // atoi: 0
        "-5",
        "-01",  // atoi: -1
        "+5",
        " 5",
        "5 ",
        "0x10",
        "2147483648",  // one past Int32.max
        "99999999999",
        "00000000003",  // more than ten digits, even though small
    ])
    func refusesFDsThatAreNotPlainDecimals(value: String) {
        let result = parse(["--br=br0", "--fd=\(value)"])
        #expect(result == .failure(.invalidSocketFD(bytes(value))))
        if case .failure(let problem) = result {
            #expect(
                problem.message.bytes
                    == bytes("invalid --fd value `\(value)': expected the decimal number of an open socket"))
        }
    }
}
