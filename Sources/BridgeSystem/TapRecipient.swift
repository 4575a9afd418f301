import BridgePolicy

/// Where the tap's fds go once every act is done and its audit line written.
public enum TapRecipient {
    /// QEMU's or libvirt's end of a socketpair (`--fd=N`): one byte 0x00 and the fd, as the C
    /// helper sends it. Checked before anything is created (CallerSocket.validate).
    case helperSocket(Int32)
    /// A broker client's connection: the varlink reply naming the tap, its queues' fds beside it.
    case brokerClient(VarlinkConnection)
}

extension VarlinkConnection {
    func replyWithTap(_ tap: [UInt8], queues: [Descriptor]) throws(SystemError) {
        try send(BrokerCodec.openTapReply(tap: tap, descriptorCount: queues.count), descriptors: queues)
    }
}
