import CBridgeShim
@preconcurrency import Glibc

/// One message on a unix socket: its data bytes and the fds passed with it (SCM_RIGHTS).
/// The helper sends one (a 0x00 byte and the tap); QEMU's side, the probe, the benchmark
/// and the hostile caller receive it. Both directions build the same `msghdr` here, with
/// the control buffer aligned for `struct cmsghdr`.
public struct SocketMessage: Sendable {
    public var data: [UInt8]
    public var descriptors: [Int32]
    /// The kernel dropped fds that did not fit the control buffer (MSG_CTRUNC).
    public var controlTruncated = false

    public init(data: [UInt8], descriptors: [Int32] = []) {
        self.data = data
        self.descriptors = descriptors
    }

    /// sendmsg of this message; returns sendmsg's result with errno as it left it.
    public func send(over socket: Int32, flags: Int32) -> Int {
        var bytes = data
        var control = alignedControl(count: descriptors.count)
        return withMessageHeader(&bytes, &control) { message in
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
        var control = alignedControl(count: maxDescriptors)
        var received = SocketMessage(data: [])
        let count = withMessageHeader(&bytes, &control) { message in
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
        let recvmsgErrno = errno
        if count > 0 { received.data = Array(bytes[..<count]) }
        errno = recvmsgErrno  // callers read errno after a -1, as with recvmsg itself
        return (count, received)
    }
}

/// Room for `count` fds, as UInt64s so that the buffer is aligned for struct cmsghdr.
private func alignedControl(count: Int) -> [UInt64] {
    [UInt64](repeating: 0, count: (sbh_cmsg_space(max(count, 1) * MemoryLayout<Int32>.size) + 7) / 8)
}

/// A msghdr over `bytes` (one iovec) and `control`, valid only inside `body`.
private func withMessageHeader<R>(_ bytes: inout [UInt8], _ control: inout [UInt64], _ body: (inout msghdr) -> R) -> R {
    bytes.withUnsafeMutableBytes { data in
        control.withUnsafeMutableBytes { controlBytes in
            var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
            return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                var message = msghdr()
                message.msg_iov = vectorPointer
                message.msg_iovlen = 1
                message.msg_control = controlBytes.baseAddress
                message.msg_controllen = controlBytes.count
                return body(&message)
            }
        }
    }
}
