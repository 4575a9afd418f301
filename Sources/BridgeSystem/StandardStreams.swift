import BridgePolicy
@preconcurrency import Glibc

public enum StandardStreams {
    /// A caller may start us with fd 0, 1 or 2 closed, so that the next file we open lands
    /// there and our messages are written into it. Fill any gap with /dev/null first.
    public static func ensureOpen() -> Bool {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened != fd { return false }
        }
        return true
    }

    /// Writes one line to stderr. Errors are ignored: there is nowhere left to report them.
    public static func printError(_ message: Message) {
        var bytes = message.bytes
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = retryingEINTR { write(2, buffer.baseAddress! + offset, buffer.count - offset) }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    public static func printFailure(_ failure: HelperFailure) {
        printError(failure.message)
        for hint in failure.hints { printError("  \(hint)") }
    }
}
