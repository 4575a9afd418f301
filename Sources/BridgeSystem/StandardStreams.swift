import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

public enum StandardStreams {
    /// A caller may start us with fd 0, 1 or 2 closed, so that the next file we open lands
    /// there and our messages are written into it. Fill any gap with /dev/null first.
    public static func ensureOpen() -> Bool {
        for fd in Int32(0)...2 where isClosed(fd) {
            let opened = try? syscall("open") { open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) }
            if opened != fd { return false }
        }
        return true
    }

    static func isClosed(_ fd: Int32) -> Bool {
        do { try syscall("fcntl(F_GETFD)") { fcntl(fd, F_GETFD) } } catch { return error.errno == EBADF }
        return false
    }

    /// Writes one line to stderr. Errors are ignored: there is nowhere left to report them.
    public static func printError(_ message: Message) {
        var bytes = message.bytes
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard
                    let written = try? syscall(
                        "write", { write(2, buffer.baseAddress! + offset, buffer.count - offset) }),
                    written > 0
                else { return }
                offset += written
            }
        }
    }

    public static func printFailure(_ failure: HelperFailure) {
        for line in failure.stderrLines { printError(line) }
    }

    /// libvirt reads our stderr on another thread and reports whatever it holds when the
    /// socket closes, that is when we exit: so before a failing exit, give a reading pipe up
    /// to a fifth of a second to take our message, or the user gets an error with no reason.
    public static func waitUntilErrorsAreRead() {
        var status = stat()
        guard (try? syscall("fstat", { fstat(2, &status) })) != nil, status.st_mode & S_IFMT == S_IFIFO else { return }
        var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
        for _ in 0..<100 {
            var unread: Int32 = 0
            guard (try? syscall("ioctl(FIONREAD)", { sbh_ioctl(2, UInt(FIONREAD), &unread) })) != nil, unread > 0 else {
                return
            }
            nanosleep(&pause, nil)
        }
    }
}
