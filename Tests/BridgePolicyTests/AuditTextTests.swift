import BridgePolicy
import Testing

struct AuditTextTests {
    @Test func printableASCIIIsKeptAsItIs() {
        #expect(
            auditEscaped(Array("uid=1000 bridge=br0 allowed by /etc/qemu/bridge.conf:2 tap=tap0".utf8))
                == Array("uid=1000 bridge=br0 allowed by /etc/qemu/bridge.conf:2 tap=tap0".utf8))
    }

    @Test func controlBytesDELAndNonASCIIAreEscaped() {
        // ESC [2J, DEL, NEL (C2 85), U+2028 (E2 80 A8), a newline, a NUL.
        let bytes: [UInt8] = [0x1b, 0x5b, 0x32, 0x4a, 0x7f, 0xc2, 0x85, 0xe2, 0x80, 0xa8, 0x0a, 0x00]
        #expect(String(decoding: auditEscaped(bytes), as: UTF8.self) == #"\x1b[2J\x7f\xc2\x85\xe2\x80\xa8\x0a\x00"#)
    }

    @Test func theBackslashIsEscapedSoThatNoEscapeCanBeForged() {
        #expect(String(decoding: auditEscaped(Array(#"br\x1b"#.utf8)), as: UTF8.self) == #"br\x5cx1b"#)
    }

    @Test(arguments: 0...255)
    func everyByteComesOutAsPrintableASCII(_ byte: Int) {
        #expect(auditEscaped([UInt8(byte)]).allSatisfy { (0x20...0x7e).contains($0) })
    }
}
