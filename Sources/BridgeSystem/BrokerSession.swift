import BridgePolicy
@preconcurrency import Glibc

/// One client of the broker, served by a child of its own from accept to exit: the caller's
/// identity from the kernel, the child narrowed to it, then calls read one at a time until the
/// client closes or a tap has been handed out (or refused). Nothing the client sends is
/// trusted but the request itself, checked as the helper checks its arguments.
public enum BrokerSession {
    /// A client has this long for each read and write; the whole child, `lifetime`.
    static let ioTimeoutSeconds = 10
    public static let lifetimeSeconds: UInt32 = 30
    /// GetInfo's version: the package's.
    static let version = "0.1.0"

    /// The child's whole life; returns its exit status. Its stderr is the service's journal.
    public static func serve(_ connection: VarlinkConnection) -> Int32 {
        // 1. Who is asking: the kernel's record of the connecting process, and nothing else.
        let peer: BrokerPeer
        do {
            try connection.setTimeout(seconds: ioTimeoutSeconds)
            peer = try BrokerPeer.of(connection)
        } catch {
            return journal("cannot read the client's credentials: \(error.message)")
        }
        // 2. Become that caller, keeping only CAP_NET_ADMIN, before reading a byte of the request.
        do { try Privileges.narrow(toPeer: peer.identity) } catch {
            return journal("pid \(Int(peer.pid)) uid \(peer.identity.uid): \(error.message)")
        }
        // 3. Its calls.
        while true {
            let received: VarlinkConnection.Received
            do {
                guard
                    let message = try connection.readMessage(
                        limit: BrokerInterface.maximumMessageBytes, maximumDescriptors: 0)
                else { return 0 }
                received = message
            } catch {
                return journal("pid \(Int(peer.pid)) uid \(peer.identity.uid): closed: \(error.message)")
            }
            switch BrokerCodec.parseCall(received.bytes[...]) {
            case .failure(.malformed(let why)):
                return journal("pid \(Int(peer.pid)) uid \(peer.identity.uid): closed: not a varlink call: \(why)")
            case .failure(.refused(let error)):
                guard reply(BrokerCodec.errorReply(error), connection) else { return 1 }
            case .success(.getInfo):
                guard reply(BrokerCodec.getInfoReply(version: version), connection) else { return 1 }
            case .success(.getInterfaceDescription(let interface)):
                guard reply(BrokerCodec.interfaceDescriptionReply(for: interface), connection) else { return 1 }
            case .success(.openTap(let call)):
                return openTap(call, for: peer, connection)
            }
        }
    }

    /// The one privileged call: checked as the helper checks `--br=`, then TapService, the
    /// helper's own steps, with the fds going into the reply.
    static func openTap(_ call: OpenTapRequest, for peer: BrokerPeer, _ connection: VarlinkConnection) -> Int32 {
        if let problem = bridgeNameProblem(call.bridge) {
            _ = reply(BrokerCodec.errorReply(.failed(lines: [problem.message])), connection)
            return 1
        }
        do { try peer.checkSameNetworkNamespace() } catch {
            _ = reply(BrokerCodec.errorReply(.failed(lines: error.stderrLines)), connection)
            return 1
        }
        let request = TapRequest(bridge: call.bridge, vnetHeader: call.vnetHeader, queues: call.queues)
        do { try TapService.serve(request, to: .brokerClient(connection)) } catch {
            let stop = error
            _ = reply(
                BrokerCodec.errorReply(stop.isDenial ? .denied(lines: stop.lines) : .failed(lines: stop.lines)),
                connection)
            stop.record()
            return 1
        }
        return 0
    }

    static func reply(_ bytes: [UInt8], _ connection: VarlinkConnection) -> Bool {
        do { try connection.send(bytes) } catch {
            _ = journal("cannot reply: \(error.message)")
            return false
        }
        return true
    }

    /// A line for the service's journal (stderr), and the child's failing exit status.
    static func journal(_ line: Message) -> Int32 {
        StandardStreams.printError("swift-bridge-helperd: \(line)")
        return 1
    }
}
