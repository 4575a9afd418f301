@preconcurrency import Glibc

/// A file descriptor this process opened and owns, closed when the last reference to it goes:
/// on every path, a thrown error included. The number is only lent to one system call at a
/// time (`syscall`), during which the descriptor is certain to be open. Descriptors the
/// process does not own (the caller's `--fd=`) stay plain numbers.
public final class Descriptor {
    private let rawValue: Int32
    /// False once handed on for good (`release`): an exec'd program owns it then.
    private var owned = true

    init(owning rawValue: Int32) { self.rawValue = rawValue }

    /// Opens with `open`, `socket` or the like (see the free `syscall`) and owns the result.
    static func opening(_ name: StaticString, _ body: () -> Int32) throws(SystemError) -> Descriptor {
        Descriptor(owning: try BridgeSystem.syscall(name, body))
    }

    // Linux frees the number even when close fails (EINTR included): never retried.
    deinit { if owned { _ = close(rawValue) } }

    /// One system call on this descriptor (see the free `syscall`).
    @discardableResult
    func syscall<Result: SignedInteger & FixedWidthInteger>(
        _ name: StaticString, _ body: (Int32) -> Result
    ) throws(SystemError) -> Result {
        try BridgeSystem.syscall(name) { body(rawValue) }
    }

    /// Several descriptors' numbers lent to one call (sendmsg of a multiqueue tap's fds).
    static func withNumbers<Result>(of descriptors: [Descriptor], _ body: ([Int32]) -> Result) -> Result {
        withExtendedLifetime(descriptors) { body(descriptors.map(\.rawValue)) }
    }

    /// Gives the number up for good, inheritable across exec: the program run next owns it.
    public func releaseForExec() throws(SystemError) -> Int32 {
        try syscall("fcntl(F_SETFD)") { fcntl($0, F_SETFD, 0) }
        owned = false
        return rawValue
    }

    /// connect(2) of this unix socket to the socket file at `path` (the system log, the broker).
    func connectUnix(to path: [UInt8]) throws(SystemError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        try syscall("connect") { fd in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
    }
}
