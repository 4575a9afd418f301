import BridgePolicy
@preconcurrency import Glibc

/// The unprivileged side of broker mode: the helper with no privilege of its own, and
/// swift-bridge-tap. It asks the broker's socket for a tap and gets its fds; everything is
/// decided and audited by the broker, as the caller the kernel names.
public enum BrokerClient {
    public static let socketPath = Array(BrokerInterface.socketPath.utf8)

    /// A broker socket is there to ask (broker mode is on).
    public static var isAvailable: Bool {
        var status = stat()
        let found = try? withCString(socketPath) { (path) throws(SystemError) in
            try syscall("lstat") { lstat(path, &status) }
        }
        return found != nil && status.st_mode & S_IFMT == S_IFSOCK
    }

    /// The tap the broker made for this process, and its queues' fds in order. A failure holds
    /// the lines to show: the broker's own (the helper's messages) or why it could not be asked.
    public static func openTap(_ request: OpenTapRequest) throws(Refusal) -> (tap: [UInt8], queues: [Descriptor]) {
        // JSON strings are UTF-8: another name could only be sent as a different one.
        guard WellFormedUTF8.validates(request.bridge) else {
            throw Refusal(
                HelperFailure(
                    ArgumentProblem.invalidBridgeName(request.bridge, "not UTF-8, which broker mode cannot pass on")
                        .message))
        }
        let connection = try connect()
        do {
            try connection.setTimeout(seconds: 60)
            try connection.send(BrokerCodec.openTapCall(request))
        } catch {
            throw Refusal(HelperFailure("failed to send the request to the tap broker: \(error.text)"))
        }
        let received: VarlinkConnection.Received?
        do {
            received = try connection.readMessage(
                limit: BrokerInterface.maximumMessageBytes, maximumDescriptors: BrokerInterface.maximumQueues)
        } catch {
            throw Refusal(HelperFailure("failed to read the tap broker's reply: \(error.message)"))
        }
        guard let reply = received else {
            throw Refusal(HelperFailure("the tap broker closed the connection without a reply"))
        }
        switch BrokerCodec.parseOpenTapReply(reply.bytes[...], receivedDescriptors: reply.descriptors.count) {
        case .tap(let name, let count) where count == request.queues:
            return (name, reply.descriptors)
        case .tap(_, let count):
            throw Refusal(HelperFailure("the tap broker sent \(count) queues where \(request.queues) were asked for"))
        case .denied(let lines), .failed(let lines):
            throw Refusal(lines: lines)
        case .otherError(let name):
            throw Refusal(HelperFailure("the tap broker refused the request: \(name)"))
        case .malformed(let why):
            throw Refusal(HelperFailure("the tap broker's reply was not understood: \(why)"))
        }
    }

    /// The helper's request relayed: the caller's socket checked first (nothing is asked for
    /// a socket that cannot take the fd), the broker's tap then handed on as the C helper sends it.
    public static func forward(_ request: HelperRequest) throws(Refusal) {
        do { try CallerSocket.validate(request.socketFD) } catch { throw Refusal(error) }
        let (_, queues) = try openTap(OpenTapRequest(bridge: request.bridge, vnetHeader: request.useVnet))
        do { try CallerSocket.send(queues[0], over: request.socketFD) } catch {
            throw Refusal(CallerSocket.sendFailure(error))
        }
    }

    /// Why no tap came: the lines for stderr, as the helper would print its own.
    public struct Refusal: Error {
        public var lines: [Message]

        init(lines: [Message]) { self.lines = lines }
        init(_ failure: HelperFailure) { lines = failure.stderrLines }
    }

    static func connect() throws(Refusal) -> VarlinkConnection {
        let socket: Descriptor
        do {
            socket = try .opening("socket") {
                Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            }
            try socket.connectUnix(to: socketPath)
        } catch {
            throw Refusal(
                HelperFailure(
                    "failed to reach the tap broker at \(socketPath): \(error.text)",
                    hints: ["is broker mode on? swift-bridge-helper-mode status"]))
        }
        return VarlinkConnection(socket)
    }
}
