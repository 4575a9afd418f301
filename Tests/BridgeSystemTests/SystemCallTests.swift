// The one syscall wrapper and the descriptor that closes itself.
import BridgePolicy
import Glibc
import Testing

@testable import BridgeSystem

@Suite struct SystemCalls {
    @Test func anInterruptedCallIsMadeAgain() throws {
        var attempts = 0
        let result = try syscall("test") { () -> Int32 in
            attempts += 1
            if attempts < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(result == 7 && attempts == 3)
    }

    @Test func aFailureIsThrownWithTheCallsNameAndErrno() {
        #expect(throws: SystemError(call: "close", errno: EBADF)) { try syscall("close") { close(-1) } }
        #expect(SystemError(call: "setresuid", errno: EPERM).message == "setresuid: Operation not permitted")
    }

    @Test func aDescriptorClosesWithItsLastReference() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        // Not blocking: an open write end reads as EAGAIN, not as a hang.
        #expect(fcntl(ends[0], F_SETFL, O_NONBLOCK) == 0)
        do {
            let writeEnd = Descriptor(owning: ends[1])
            #expect(
                try writeEnd.syscall("write") { fd in [UInt8(1)].withUnsafeBytes { write(fd, $0.baseAddress, 1) } } == 1
            )
        }
        // Only end of file once the one write end is closed: one byte, then nothing.
        var buffer = [UInt8](repeating: 0, count: 2)
        #expect(read(ends[0], &buffer, 2) == 1)
        #expect(read(ends[0], &buffer, 2) == 0)
    }
}
