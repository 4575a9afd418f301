/// The broker's varlink messages, bytes in and bytes out, with no I/O: the privileged daemon
/// and the unprivileged client link the same code. Calls are read in BrokerCallCodec.swift;
/// replies are written and read here. Every message written ends with its NUL.
public enum BrokerCodec {
    /// OpenTap's reply. The descriptors go beside it in one SCM_RIGHTS message, so their
    /// indexes are always 0..<descriptorCount (clamped to 0...maximumQueues).
    public static func openTapReply(tap: [UInt8], descriptorCount: Int) -> [UInt8] {
        let count = min(max(descriptorCount, 0), BrokerInterface.maximumQueues)
        return reply([
            JSONMember("tap", .string(tap)),
            JSONMember("fileDescriptors", .array((0..<count).map { .integer(Int64($0)) })),
        ])
    }

    /// `{"error":NAME,"parameters":{...}}`. The constructors of VarlinkError keep replies
    /// small; one built otherwise that would not fit in a message becomes Failed, saying so.
    public static func errorReply(_ error: VarlinkError) -> [UInt8] {
        let message = JSONWriter.write(
            .object([
                JSONMember("error", .string(Array(error.name.utf8))),
                JSONMember("parameters", .object(error.parameters)),
            ]))
        guard message.count <= BrokerInterface.maximumMessageBytes else {
            return errorReply(.failed(lines: ["the broker's error reply was too large to send"]))
        }
        return message + [0]
    }

    public static func getInfoReply(version: String) -> [UInt8] {
        reply([
            JSONMember("vendor", .string(Array("swift-bridge-helper".utf8))),
            JSONMember("product", .string(Array("swift-bridge-helperd".utf8))),
            JSONMember("version", .string(Array(version.utf8))),
            JSONMember("url", .string(Array(BrokerInterface.url.utf8))),
            JSONMember(
                "interfaces",
                .array([.string(Array(BrokerInterface.serviceName.utf8)), .string(Array(BrokerInterface.name.utf8))])),
        ])
    }

    /// The IDL of our interface or of org.varlink.service; InterfaceNotFound for any other.
    public static func interfaceDescriptionReply(for interface: [UInt8]) -> [UInt8] {
        let description: String
        switch interface {
        case Key.bridgeInterface: description = BrokerInterface.description
        case Key.serviceInterface: description = BrokerInterface.serviceDescription
        default: return errorReply(.interfaceNotFound(interface))
        }
        return reply([JSONMember("description", .string(Array(description.utf8)))])
    }

    /// The members of one received message's top-level object, or why it is not one.
    static func topLevelMembers(_ bytes: ArraySlice<UInt8>) -> Result<[JSONMember], Unreadable> {
        guard bytes.count <= BrokerInterface.maximumMessageBytes else {
            return .failure(Unreadable(reason: "the message is over \(BrokerInterface.maximumMessageBytes) bytes"))
        }
        switch JSONReader.parse(bytes) {
        case .success(.object(let members)): return .success(members)
        case .success: return .failure(Unreadable(reason: "the message is not a JSON object"))
        case .failure(let error): return .failure(Unreadable(reason: error.message))
        }
    }

    /// A message that is not a JSON object within the limits: not varlink at all.
    struct Unreadable: Error {
        var reason: Message
    }

    /// A reply with these parameters, or, when it would not fit in one message (only for
    /// names no kernel or build gives: a tap or version thousands of bytes long), Failed.
    static func reply(_ parameters: [JSONMember]) -> [UInt8] {
        let message = JSONWriter.write(.object([JSONMember("parameters", .object(parameters))]))
        guard message.count <= BrokerInterface.maximumMessageBytes else {
            return errorReply(.failed(lines: ["the broker's reply was too large to send"]))
        }
        return message + [0]
    }
}
