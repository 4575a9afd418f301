/// What a client asks the broker for in `io.swiftbridgehelper.Bridge.OpenTap`.
public struct OpenTapRequest: Equatable, Sendable {
    /// The JSON string's bytes (UTF-8, no NUL), not yet checked as an interface name: the
    /// daemon checks it as the helper checks `--br=`.
    public var bridge: [UInt8]
    /// Optional in the call, default false.
    public var vnetHeader: Bool
    /// Optional in the call, default 1; 1...BrokerInterface.maximumQueues.
    public var queues: Int

    public init(bridge: [UInt8], vnetHeader: Bool = false, queues: Int = 1) {
        self.bridge = bridge
        self.vnetHeader = vnetHeader
        self.queues = queues
    }
}

/// A well-formed call to a method the broker serves.
public enum BrokerCall: Equatable, Sendable {
    case openTap(OpenTapRequest)
    /// org.varlink.service.GetInfo
    case getInfo
    /// org.varlink.service.GetInterfaceDescription
    case getInterfaceDescription(interface: [UInt8])
}

/// Why a received message is not a call the broker serves.
public enum VarlinkCallProblem: Error, Equatable, Sendable {
    /// Not a varlink call at all (bad JSON, not an object, no or invalid `method`, an unknown
    /// top-level key, over a limit): the daemon closes the connection without replying.
    case malformed(reason: Message)
    /// A well-formed call to refuse with this error reply.
    case refused(VarlinkError)
}
