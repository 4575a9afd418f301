/// What the broker answered an OpenTap call, as the client reads it.
public enum BrokerReply: Equatable, Sendable {
    /// The tap's name (a valid interface name) and how many descriptors came with the reply,
    /// one per queue, in order.
    case tap(name: [UInt8], descriptorCount: Int)
    /// io.swiftbridgehelper.Bridge.Denied: the lines to print, as the helper prints them.
    case denied(lines: [Message])
    /// io.swiftbridgehelper.Bridge.Failed
    case failed(lines: [Message])
    /// Any other varlink error (InvalidParameter, MethodNotFound...): its qualified name.
    case otherError(name: [UInt8])
    /// Anything else: a broker we cannot trust, so the client fails closed.
    case malformed(Message)
}
