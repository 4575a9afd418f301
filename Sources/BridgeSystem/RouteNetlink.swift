import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// A NETLINK_ROUTE socket in the caller's network namespace, for the bridge settings that
/// have no ioctl: a bridge's VLAN filtering, a port's VLANs, port isolation.
/// Every request asks for an acknowledgement (NLM_F_ACK) and its error code is checked.
/// A class: the sequence number is the socket's, whoever holds it.
final class RouteNetlink {
    let descriptor: Descriptor
    private var sequence: UInt32 = 0

    static func open() throws(SystemError) -> RouteNetlink {
        RouteNetlink(
            descriptor: try .opening("socket") {
                socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), sbh_NETLINK_ROUTE)
            })
    }

    private init(descriptor: Descriptor) { self.descriptor = descriptor }

    /// Sends one request about interface `index` and returns the payloads of the messages
    /// answering it. The kernel's negative acknowledgement is thrown as a SystemError
    /// of the request (`call` "netlink"), a malformed answer as EIO.
    func request(
        _ type: UInt16, family: Int32, index: Int32, attributes: [UInt8] = []
    ) throws(SystemError) -> [ArraySlice<UInt8>] {
        try send(type, flags: sbh_NLM_F_ACK, family: family, index: index, attributes: attributes)
        return try receiveUntilAcknowledged()
    }

    /// A dump (NLM_F_DUMP) of `type`, every message's payload. A dump the kernel marks as
    /// interrupted by a change (NLM_F_DUMP_INTR) may have missed entries: it is asked again,
    /// and after `attempts` such answers it fails with EAGAIN rather than answer with a gap.
    func dump(_ type: UInt16, family: Int32, attempts: Int = 8) throws(SystemError) -> [ArraySlice<UInt8>] {
        for _ in 0..<attempts {
            try send(type, flags: sbh_NLM_F_DUMP, family: family, index: 0, attributes: [])
            let (payloads, interrupted) = try receiveUntilDone()
            if !interrupted { return payloads }
        }
        throw SystemError(call: "netlink", errno: EAGAIN)
    }

    /// One message, `struct ifinfomsg` and attributes, under a new sequence number.
    private func send(
        _ type: UInt16, flags: UInt16, family: Int32, index: Int32, attributes: [UInt8]
    ) throws(SystemError) {
        sequence &+= 1
        var header = ifinfomsg()
        header.ifi_family = UInt8(family)
        header.ifi_index = index
        let body = Self.bytes(of: header).padded() + attributes
        var message = nlmsghdr()
        message.nlmsg_len = UInt32(MemoryLayout<nlmsghdr>.size + body.count)
        message.nlmsg_type = type
        message.nlmsg_flags = sbh_NLM_F_REQUEST | flags
        message.nlmsg_seq = sequence
        try send(Self.bytes(of: message) + body)
    }

    private func send(_ bytes: [UInt8]) throws(SystemError) {
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        let sent = try descriptor.syscall("sendto") { fd in
            bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &kernel) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        sendto(
                            fd, buffer.baseAddress, buffer.count, 0, address, socklen_t(MemoryLayout<sockaddr_nl>.size))
                    }
                }
            }
        }
        if sent != bytes.count { throw SystemError(call: "sendto", errno: EIO) }
    }

    /// Reads until the acknowledgement of our request: answers from anyone but the kernel,
    /// or to another request, are ignored; truncated or malformed messages are EIO.
    private func receiveUntilAcknowledged() throws(SystemError) -> [ArraySlice<UInt8>] {
        var payloads: [ArraySlice<UInt8>] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            for (header, payload) in try receiveMessages(into: &buffer) {
                if header.nlmsg_type == sbh_NLMSG_ERROR {
                    guard payload.count >= MemoryLayout<Int32>.size else {
                        throw SystemError(call: "recvfrom", errno: EIO)
                    }
                    let code = payload.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
                    if code != 0 { throw SystemError(call: "netlink", errno: -code) }
                    return payloads
                }
                payloads.append(payload)
            }
        }
    }

    /// Reads a dump's messages until NLMSG_DONE; whether any was marked NLM_F_DUMP_INTR.
    private func receiveUntilDone() throws(SystemError) -> ([ArraySlice<UInt8>], Bool) {
        var payloads: [ArraySlice<UInt8>] = []
        var interrupted = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            for (header, payload) in try receiveMessages(into: &buffer) {
                if header.nlmsg_flags & sbh_NLM_F_DUMP_INTR != 0 { interrupted = true }
                if header.nlmsg_type == sbh_NLMSG_DONE || header.nlmsg_type == sbh_NLMSG_ERROR {
                    let code = payload.count >= 4 ? payload.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) } : 0
                    if code != 0 { throw SystemError(call: "netlink", errno: -code) }
                    return (payloads, interrupted)
                }
                payloads.append(payload)
            }
        }
    }

    /// One datagram's messages of our current request, from the kernel only.
    private func receiveMessages(into buffer: inout [UInt8]) throws(SystemError) -> [(nlmsghdr, ArraySlice<UInt8>)] {
        var sender = sockaddr_nl()
        var senderLength = socklen_t(MemoryLayout<sockaddr_nl>.size)
        let count = try descriptor.syscall("recvfrom") { fd in
            buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &sender) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        recvfrom(fd, bytes.baseAddress, bytes.count, Int32(MSG_TRUNC), address, &senderLength)
                    }
                }
            }
        }
        if count > buffer.count { throw SystemError(call: "recvfrom", errno: EMSGSIZE) }
        if sender.nl_pid != 0 { return [] }
        var messages: [(nlmsghdr, ArraySlice<UInt8>)] = []
        var rest = buffer[..<count]
        while !rest.isEmpty {
            guard let (header, payload) = Self.message(in: rest) else {
                throw SystemError(call: "recvfrom", errno: EIO)
            }
            rest = rest.dropFirst(min(rest.count, Self.aligned(Int(header.nlmsg_len), to: sbh_NLMSG_ALIGNTO)))
            if header.nlmsg_seq == sequence { messages.append((header, payload)) }
        }
        return messages
    }

    /// The header and payload of the first message in `bytes`, nil if it does not fit.
    private static func message(in bytes: ArraySlice<UInt8>) -> (nlmsghdr, ArraySlice<UInt8>)? {
        let headerSize = MemoryLayout<nlmsghdr>.size
        guard bytes.count >= headerSize else { return nil }
        let header = bytes.withUnsafeBytes { $0.loadUnaligned(as: nlmsghdr.self) }
        let length = Int(header.nlmsg_len)
        guard length >= headerSize, length <= bytes.count else { return nil }
        return (header, bytes[(bytes.startIndex + headerSize)..<(bytes.startIndex + length)])
    }

    static func bytes<T>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    static func aligned(_ length: Int, to alignment: Int32) -> Int {
        let alignment = Int(alignment)
        return (length + alignment - 1) & ~(alignment - 1)
    }
}

/// Netlink attributes (`struct nlattr`, type-length-value, 4-byte aligned).
enum NetlinkAttribute {
    static func make(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var header = nlattr()
        header.nla_len = UInt16(MemoryLayout<nlattr>.size + payload.count)
        header.nla_type = type
        return (RouteNetlink.bytes(of: header) + payload).padded()
    }

    static func nested(_ type: UInt16, _ children: [UInt8]) -> [UInt8] {
        make(type | sbh_NLA_F_NESTED, children)
    }

    /// The attributes in `bytes`, by type (flags masked off; of repeated ones, the last);
    /// nil if one overruns.
    static func parse(_ bytes: ArraySlice<UInt8>) -> [UInt16: ArraySlice<UInt8>]? {
        guard let list = list(bytes) else { return nil }
        var attributes: [UInt16: ArraySlice<UInt8>] = [:]
        for (type, payload) in list { attributes[type] = payload }
        return attributes
    }

    /// The attributes in `bytes`, in order, repeated ones too; nil if one overruns.
    static func list(_ bytes: ArraySlice<UInt8>) -> [(type: UInt16, payload: ArraySlice<UInt8>)]? {
        var attributes: [(type: UInt16, payload: ArraySlice<UInt8>)] = []
        var rest = bytes
        let headerSize = MemoryLayout<nlattr>.size
        while rest.count >= headerSize {
            let header = rest.withUnsafeBytes { $0.loadUnaligned(as: nlattr.self) }
            let length = Int(header.nla_len)
            guard length >= headerSize, length <= rest.count else { return nil }
            attributes.append(
                (header.nla_type & sbh_NLA_TYPE_MASK, rest[(rest.startIndex + headerSize)..<(rest.startIndex + length)])
            )
            rest = rest.dropFirst(min(rest.count, RouteNetlink.aligned(length, to: sbh_NLA_ALIGNTO)))
        }
        return attributes
    }

    /// A string attribute's bytes, without the NUL the kernel ends it with.
    static func string(_ payload: ArraySlice<UInt8>) -> [UInt8] {
        Array(payload.prefix { $0 != 0 })
    }
}

extension Array where Element == UInt8 {
    /// Zero bytes up to the next multiple of 4, netlink's alignment.
    func padded() -> [UInt8] {
        self + [UInt8](repeating: 0, count: RouteNetlink.aligned(count, to: sbh_NLMSG_ALIGNTO) - count)
    }
}
