// How diagnostics reach stderr, and that messages carry names as raw bytes.
import Testing

@testable import BridgePolicy

@Suite struct DiagnosticRendering {
    private let here = SourceLocation(file: bytes("/etc/qemu/bridge.conf"), line: 7)

    /// The C helper's exact line comes first, unchanged, so scripts matching it still work.
    @Test func cHelperMessagesComeFirstThenWhere() {
        let diagnostic = Diagnostic(.error, "Unknown command `foo'", at: here, isCHelperMessage: true)
        #expect(diagnostic.rendered == "Unknown command `foo'\n  at /etc/qemu/bridge.conf:7")
    }

    @Test func ourMessagesUseFileColonLine() {
        let diagnostic = Diagnostic(.error, "include `/x' refused: why", at: here)
        #expect(diagnostic.rendered == "/etc/qemu/bridge.conf:7: include `/x' refused: why")
    }

    @Test(arguments: [true, false])
    func withoutALocationOnlyTheMessage(isCHelperMessage: Bool) {
        let diagnostic = Diagnostic(
            .error, "/etc/qemu/bridge.conf: No such file or directory", at: nil, isCHelperMessage: isCHelperMessage)
        #expect(diagnostic.rendered == "/etc/qemu/bridge.conf: No such file or directory")
    }

    /// A problem with a whole file names the file apart from the message, for lint to place it.
    @Test func aWholeFileProblemKeepsItsFileApart() {
        let diagnostic = Diagnostic(.error, "No such file or directory", aboutFile: bytes("/etc/qemu/bridge.conf"))
        #expect(diagnostic.message == "No such file or directory")
        #expect(diagnostic.file == bytes("/etc/qemu/bridge.conf"))
        #expect(diagnostic.location == nil)
        #expect(diagnostic.rendered == "/etc/qemu/bridge.conf: No such file or directory")
    }

    @Test func locationsAreFileColonLine() {
        #expect(here.message == "/etc/qemu/bridge.conf:7")
        #expect(here.description == "/etc/qemu/bridge.conf:7")
    }
}

@Suite struct MessageBytes {
    @Test func interpolatesNamesWithoutRepairingThem() {
        let name: [UInt8] = [0x62, 0x72, 0xFF, 0xC3]
        let message: Message = "name `\(name)' too long: \(name.count)"
        #expect(message.bytes == bytes("name `") + name + bytes("' too long: 4"))
    }

    @Test func interpolatesSlicesNumbersAndMessages() {
        let inner: Message = "inner"
        let message: Message = "\(bytes("abc")[1...]) \(Int32(-3)) \(UInt32(7)) \(inner) \("text")"
        #expect(message.bytes == bytes("bc -3 7 inner text"))
    }

    @Test func interpolatesNumbersAsStringWouldPrintThem() {
        for number in [0, 9, 10, -1, -10, 4_294_967_295, Int.max, Int.min] {
            #expect(("\(number)" as Message).bytes == Array(String(number).utf8))
        }
        #expect(("\(Int32.min) \(UInt32.max)" as Message).bytes == bytes("-2147483648 4294967295"))
    }
}
