import CBridgeShim
@preconcurrency import Glibc

/// One message on a unix socket: its data bytes and the fds passed with it (SCM_RIGHTS).
/// The helper sends one (a 0x00 byte and the tap, from buffers); QEMU's side, the probe,
/// the benchmark and the hostile caller receive it. Both directions build the same `msghdr`
/// here, with the control buffer aligned for `struct cmsghdr`.
public struct SocketMessage: Sendable {
    public var data: [UInt8]
    public var descriptors: [Int32]
    /// The kernel dropped fds that did not fit the control buffer (MSG_CTRUNC).
    public var controlTruncated = false

    public init(data: [UInt8], descriptors: [Int32] = []) {
        self.data = data
        self.descriptors = descriptors
    }

    /// sendmsg of `data` with `descriptors` (SCM_RIGHTS); returns sendmsg's result with errno
    /// as it left it. From buffers rather than a SocketMessage: the helper sends its one byte
    /// and one fd from the stack, with no arrays (a first `[Int32]` costs the runtime a
    /// metadata instantiation).
    public static func send(
        _ data: UnsafeRawBufferPointer, descriptors: UnsafeBufferPointer<Int32>, over socket: Int32, flags: Int32
    ) -> Int {
        // sendmsg only reads the bytes.
        withMessageHeader(UnsafeMutableRawBufferPointer(mutating: data), room: descriptors.count) { message in
            if !descriptors.isEmpty, let header = sbh_cmsg_firsthdr(&message) {
                header.pointee.cmsg_level = SOL_SOCKET
                header.pointee.cmsg_type = Int32(SCM_RIGHTS)
                header.pointee.cmsg_len = sbh_cmsg_len(descriptors.count * MemoryLayout<Int32>.size)
                sbh_cmsg_data(header).withMemoryRebound(to: Int32.self, capacity: descriptors.count) { slots in
                    for (index, descriptor) in descriptors.enumerated() { slots[index] = descriptor }
                }
            } else {
                message.msg_control = nil
                message.msg_controllen = 0
            }
            return sendmsg(socket, &message, flags)
        }
        // (errno is still sendmsg's: nothing after it allocates.)
    }

    /// One recvmsg of at most `capacity` bytes and `maxDescriptors` fds (received close-on-exec).
    /// Returns recvmsg's result (0 at end of file, -1 with errno) and what came.
    public static func receive(from socket: Int32, capacity: Int, maxDescriptors: Int) -> (Int, SocketMessage) {
        var bytes = [UInt8](repeating: 0, count: capacity)
        var received = SocketMessage(data: [])
        let count = bytes.withUnsafeMutableBytes { data in
            withMessageHeader(data, room: maxDescriptors) { message in
                let count = recvmsg(socket, &message, Int32(MSG_CMSG_CLOEXEC))
                guard count >= 0 else { return count }
                received.controlTruncated = message.msg_flags & Int32(MSG_CTRUNC) != 0
                var header = sbh_cmsg_firsthdr(&message)
                while let current = header {
                    if current.pointee.cmsg_level == SOL_SOCKET, current.pointee.cmsg_type == Int32(SCM_RIGHTS) {
                        let fds = (Int(current.pointee.cmsg_len) - sbh_cmsg_len(0)) / MemoryLayout<Int32>.size
                        sbh_cmsg_data(current).withMemoryRebound(to: Int32.self, capacity: fds) {
                            received.descriptors += UnsafeBufferPointer(start: $0, count: fds)
                        }
                    }
                    header = sbh_cmsg_nxthdr(&message, current)
                }
                return count
            }
        }
        let recvmsgErrno = errno
        if count > 0 { received.data = Array(bytes[..<count]) }
        errno = recvmsgErrno  // callers read errno after a -1, as with recvmsg itself
        return (count, received)
    }
}

/// A msghdr over `bytes` (one iovec) and a zeroed control buffer with room for `descriptors`
/// fds, valid only inside `body`. The control buffer is on the stack, in UInt64s so that it
/// is aligned for struct cmsghdr.
private func withMessageHeader<R>(
    _ bytes: UnsafeMutableRawBufferPointer, room descriptors: Int, _ body: (inout msghdr) -> R
) -> R {
    let words = (sbh_cmsg_space(max(descriptors, 1) * MemoryLayout<Int32>.size) + 7) / 8
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { control in
        control.initialize(repeating: 0)
        var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
        return withUnsafeMutablePointer(to: &vector) { vectorPointer in
            var message = msghdr()
            message.msg_iov = vectorPointer
            message.msg_iovlen = 1
            message.msg_control = UnsafeMutableRawPointer(control.baseAddress)
            message.msg_controllen = words * MemoryLayout<UInt64>.size
            return body(&message)
        }
    }
}
