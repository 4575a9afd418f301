import BridgePolicy
@preconcurrency import Glibc
import SocketMessage

/// One end of a varlink connection: NUL-terminated JSON messages on a unix stream socket, and
/// fds passed beside a message (SCM_RIGHTS), as systemd's varlink services pass them. The
/// broker's child holds one per client; the helper and swift-bridge-tap hold one to the broker.
public final class VarlinkConnection {
    let socket: Descriptor
    /// Bytes read past the last message's NUL: the start of the next one.
    var unread: [UInt8] = []

    init(_ socket: Descriptor) { self.socket = socket }

    /// A message and the fds that came with any of its bytes.
    public struct Received {
        public var bytes: [UInt8]
        public var descriptors: [Descriptor]
    }

    public enum ReadProblem: Error, Equatable {
        /// The peer closed the connection before the message's NUL (after `count` bytes of it).
        case endOfFile(count: Int)
        /// More than `limit` bytes without a NUL.
        case tooLong(limit: Int)
        /// More fds came than `maximumDescriptors` (0 for the broker: a client sends none).
        case unexpectedDescriptors
        /// The kernel dropped fds (MSG_CTRUNC): more than there was room for in the message, or
        /// this process is at its open-file limit. What was meant cannot be known.
        case descriptorsTruncated
        case failed(SystemError)

        public var message: Message {
            switch self {
            case .endOfFile(let count): return "end of file after \(count) bytes of a message"
            case .tooLong(let limit): return "a message over \(limit) bytes"
            case .unexpectedDescriptors: return "file descriptors came that were not asked for"
            case .descriptorsTruncated:
                return
                    "file descriptors were dropped on receipt (MSG_CTRUNC): more came than asked for, or the open-file limit is reached"
            case .failed(let error): return error.message
            }
        }
    }

    /// The next message, without its NUL; nil when the peer closed the connection between
    /// messages. At most `limit` bytes and `maximumDescriptors` fds are accepted.
    public func readMessage(limit: Int, maximumDescriptors: Int) throws(ReadProblem) -> Received? {
        var descriptors: [Descriptor] = []
        while true {
            if let end = unread.firstIndex(of: 0) {
                let bytes = Array(unread[..<end])
                unread.removeSubrange(...end)
                return Received(bytes: bytes, descriptors: descriptors)
            }
            guard unread.count <= limit else { throw .tooLong(limit: limit) }
            var message = SocketMessage(data: [])
            let count: Int
            do {
                count = try socket.syscall("recvmsg") { fd in
                    let (count, received) = SocketMessage.receive(
                        from: fd, capacity: 4096, maxDescriptors: max(maximumDescriptors, 1))
                    message = received
                    return count
                }
            } catch {
                throw .failed(error)
            }
            // Owned at once, so that they close on every path below.
            descriptors += message.descriptors.map { Descriptor(owning: $0) }
            // With none asked for, any fd (even one the kernel had to drop) is the peer's doing.
            if message.controlTruncated {
                throw maximumDescriptors == 0 ? .unexpectedDescriptors : .descriptorsTruncated
            }
            if descriptors.count > maximumDescriptors { throw .unexpectedDescriptors }
            if count == 0 {
                if unread.isEmpty && descriptors.isEmpty { return nil }
                throw .endOfFile(count: unread.count)
            }
            unread += message.data
        }
    }

    /// Sends one message (its NUL included in `bytes`) whole, `descriptors` beside its first
    /// byte. MSG_NOSIGNAL: a peer that has gone away is EPIPE, never a SIGPIPE.
    public func send(_ bytes: [UInt8], descriptors: [Descriptor] = []) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let withDescriptors = offset == 0 ? descriptors : []
            let sent = try socket.syscall("sendmsg") { fd in
                Descriptor.withNumbers(of: withDescriptors) { numbers in
                    numbers.withUnsafeBufferPointer { fds in
                        bytes[offset...].withUnsafeBytes { data in
                            SocketMessage.send(data, descriptors: fds, over: fd, flags: Int32(MSG_NOSIGNAL))
                        }
                    }
                }
            }
            offset += sent
        }
    }

    /// Bounds every later read and write: a peer that sends nothing, or never reads its reply,
    /// does not hold this connection longer.
    public func setTimeout(seconds: Int) throws(SystemError) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            try socket.syscall("setsockopt") {
                setsockopt($0, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
            }
        }
    }
}
