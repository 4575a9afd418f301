/// A varlink error reply: its qualified name and its parameters as JSON members.
///
/// The constructors clip what they are given, so that every error reply the codec writes
/// fits in one message that the client's reader accepts (`BrokerCodec.errorReply`).
public struct VarlinkError: Error, Equatable, Sendable {
    public var name: String
    public var parameters: [JSONMember]

    public init(name: String, parameters: [JSONMember] = []) {
        self.name = name
        self.parameters = parameters
    }

    /// The longest name (method, interface, parameter) echoed back in an error: names in
    /// the caller's message may be long, and a refusal need not repeat all of it.
    public static let maximumEchoedNameBytes = 256
    /// Denied and Failed: at most this many lines, each at most this long once its
    /// non-UTF-8 bytes read as `\xNN`; past either, the reply says how many were left out.
    public static let maximumLines = 64
    public static let maximumLineBytes = 1024

    public static func invalidParameter(_ parameter: String) -> VarlinkError {
        service("InvalidParameter", "parameter", Array(parameter.utf8))
    }

    public static func methodNotFound(_ method: [UInt8]) -> VarlinkError {
        service("MethodNotFound", "method", method)
    }

    public static func interfaceNotFound(_ interface: [UInt8]) -> VarlinkError {
        service("InterfaceNotFound", "interface", interface)
    }

    /// For oneway, more or upgrade: the broker answers only plain calls.
    public static func methodNotImplemented(_ method: String) -> VarlinkError {
        service("MethodNotImplemented", "method", Array(method.utf8))
    }

    /// io.swiftbridgehelper.Bridge.Denied: the ACL or a quota refused.
    public static func denied(lines: [Message]) -> VarlinkError {
        VarlinkError(name: deniedName, parameters: [JSONMember("lines", .array(clipped(lines).map(JSONValue.string)))])
    }

    /// io.swiftbridgehelper.Bridge.Failed: anything else stopped the request.
    public static func failed(lines: [Message]) -> VarlinkError {
        VarlinkError(name: failedName, parameters: [JSONMember("lines", .array(clipped(lines).map(JSONValue.string)))])
    }

    static let deniedName = BrokerInterface.name + ".Denied"
    static let failedName = BrokerInterface.name + ".Failed"

    static func service(_ member: String, _ parameter: String, _ value: [UInt8]) -> VarlinkError {
        let echoed = clipped(WellFormedUTF8.repaired(value), to: maximumEchoedNameBytes)
        return VarlinkError(
            name: BrokerInterface.serviceName + "." + member, parameters: [JSONMember(parameter, .string(echoed))])
    }

    /// The lines as the client will read them: non-UTF-8 bytes as `\xNN`, each line and
    /// their number within the limits, and all of them within one message.
    static func clipped(_ lines: [Message]) -> [[UInt8]] {
        // Room for the name, the JSON around the lines, and the closing "(N more lines)".
        var budget = BrokerInterface.maximumMessageBytes - 512
        var kept: [[UInt8]] = []
        for line in lines {
            let text = clipped(WellFormedUTF8.repaired(line.bytes), to: maximumLineBytes)
            var encoded: [UInt8] = []
            JSONWriter.appendString(text, to: &encoded)
            guard kept.count < maximumLines, encoded.count + 1 <= budget else { break }
            budget -= encoded.count + 1
            kept.append(text)
        }
        if kept.count < lines.count {
            let more: Message = "(\(lines.count - kept.count) more lines not sent)"
            kept.append(more.bytes)
        }
        return kept
    }

    /// The first `limit` bytes of well-formed UTF-8, cut back to a character boundary.
    static func clipped(_ text: [UInt8], to limit: Int) -> [UInt8] {
        guard text.count > limit else { return text }
        var end = limit
        while end > 0, text[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(text[..<end])
    }
}
