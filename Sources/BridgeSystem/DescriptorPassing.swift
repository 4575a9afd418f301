import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc
import SocketMessage

/// The caller's end of the socketpair given as `--fd=N`.
public enum CallerSocket {
    /// Checked before anything is created: the fd must be a connected AF_UNIX stream socket,
    /// as QEMU's and libvirt's socketpairs are. The C helper only finds out at sendmsg.
    /// Failures keep the C helper's line (the errno it would have met) and say why.
    public static func validate(_ fd: Int32) throws(HelperFailure) {
        func failure(_ code: Int32, _ why: Message) -> HelperFailure {
            HelperFailure("failed to write fd to unix socket: \(errorText(code))", hints: [why, "nothing was created"])
        }
        var status = stat()
        do { try syscall("fstat") { fstat(fd, &status) } } catch {
            throw failure(error.errno, "--fd=\(fd) is not an open file descriptor")
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw failure(ENOTSOCK, "--fd=\(fd) is not a socket") }
        guard option(fd, SO_DOMAIN) == AF_UNIX, option(fd, SO_TYPE) == Int32(SOCK_STREAM.rawValue) else {
            throw failure(EPROTOTYPE, "--fd=\(fd) is not a unix stream socket (QEMU passes one end of a socketpair)")
        }
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let connected =
            (try? syscall("getpeername") {
                withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
                }
            }) != nil
        guard option(fd, SO_ACCEPTCONN) == 0, connected else {
            throw failure(ENOTCONN, "--fd=\(fd) is not connected to a peer")
        }
    }

    static func option(_ fd: Int32, _ name: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard (try? syscall("getsockopt") { getsockopt(fd, SOL_SOCKET, name, &value, &length) }) != nil else {
            return nil
        }
        return value
    }

    /// Step 9: one data byte 0x00 and one SCM_RIGHTS fd. MSG_NOSIGNAL: a caller that
    /// has gone away gets EPIPE and exit 1, never a SIGPIPE mid-way.
    static func send(_ tap: Descriptor, over socket: Int32) throws(SystemError) {
        let sent = try tap.syscall("sendmsg") { tapFD in
            withUnsafeBytes(of: UInt8(0)) { data in
                withUnsafePointer(to: tapFD) { fd in
                    SocketMessage.send(
                        data, descriptors: UnsafeBufferPointer(start: fd, count: 1), over: socket,
                        flags: Int32(MSG_NOSIGNAL))
                }
            }
        }
        guard sent == 1 else { throw SystemError(call: "sendmsg", errno: EIO) }
    }

    /// The contract's line for a failed send.
    static func sendFailure(_ error: SystemError) -> HelperFailure {
        HelperFailure("failed to write fd to unix socket: \(error.text)")
    }
}
