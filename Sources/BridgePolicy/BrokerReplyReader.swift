/// The client's side: the broker's answer to OpenTap. The client (the unprivileged helper,
/// the multiqueue command) hands the descriptors on to QEMU, so it believes a reply only
/// when every part of it is as the interface says; anything else is `.malformed`.
extension BrokerCodec {
    /// One reply message (NUL removed) and how many descriptors came with it.
    ///
    /// The top level holds only `parameters`, `error` and `continues` (false: we never ask
    /// for more). A tap reply holds exactly `tap` and `fileDescriptors`, which must be
    /// `[0, 1, ..., receivedDescriptors - 1]` with 1 to maximumQueues entries. Denied and
    /// Failed hold exactly `lines`, a list of strings; an error comes without descriptors.
    public static func parseOpenTapReply(_ bytes: ArraySlice<UInt8>, receivedDescriptors: Int) -> BrokerReply {
        let members: [JSONMember]
        switch topLevelMembers(bytes) {
        case .success(let read): members = read
        case .failure(let unreadable): return .malformed("the broker's reply: \(unreadable.reason)")
        }
        var errorName: [UInt8]?
        var parameters: [JSONMember]?
        for member in members {
            switch (member.key, member.value) {
            case (Key.error, .string(let name)): errorName = name
            case (Key.parameters, .object(let given)): parameters = given
            case (Key.continues, .bool(false)): continue
            default: return .malformed("the broker's reply has an unexpected `\(auditEscaped(member.key))'")
            }
        }
        if let errorName {
            guard receivedDescriptors == 0 else {
                return .malformed("the broker's error reply came with \(receivedDescriptors) file descriptors")
            }
            return errorReply(named: errorName, parameters ?? [])
        }
        guard let parameters else { return .malformed("the broker's reply has neither parameters nor an error") }
        return tapReply(parameters, receivedDescriptors: receivedDescriptors)
    }

    static func errorReply(named name: [UInt8], _ parameters: [JSONMember]) -> BrokerReply {
        guard VarlinkName.split(name) != nil else {
            return .malformed("the broker's error `\(auditEscaped(name))' is not a varlink name")
        }
        let isDenied = name.elementsEqual(VarlinkError.deniedName.utf8)
        guard isDenied || name.elementsEqual(VarlinkError.failedName.utf8) else { return .otherError(name: name) }
        guard parameters.count == 1, parameters[0].key == Key.lines,
            case .array(let elements) = parameters[0].value
        else { return .malformed("the broker's `\(auditEscaped(name))' does not hold exactly `lines'") }
        var lines: [Message] = []
        for element in elements {
            guard case .string(let line) = element else {
                return .malformed("the broker's `\(auditEscaped(name))' lines are not strings")
            }
            lines.append(Message(bytes: line))
        }
        return isDenied ? .denied(lines: lines) : .failed(lines: lines)
    }

    static func tapReply(_ parameters: [JSONMember], receivedDescriptors: Int) -> BrokerReply {
        var tap: [UInt8]?
        var descriptors: [JSONValue]?
        for parameter in parameters {
            switch (parameter.key, parameter.value) {
            case (Key.tap, .string(let name)): tap = name
            case (Key.fileDescriptors, .array(let indexes)): descriptors = indexes
            default:
                return .malformed("the broker's reply has an unexpected parameter `\(auditEscaped(parameter.key))'")
            }
        }
        guard let tap, let descriptors else { return .malformed("the broker's reply lacks `tap' or `fileDescriptors'") }
        guard tap.count <= InterfaceName.maximumLength, InterfaceName.problem(with: tap) == nil else {
            return .malformed("the broker's tap name `\(auditEscaped(tap))' is not a valid interface name")
        }
        guard (1...BrokerInterface.maximumQueues).contains(receivedDescriptors) else {
            return .malformed("the broker's reply came with \(receivedDescriptors) file descriptors")
        }
        // The only layout we send: descriptor i of the SCM_RIGHTS message is queue i.
        guard descriptors == (0..<receivedDescriptors).map({ JSONValue.integer(Int64($0)) }) else {
            return .malformed("the broker's fileDescriptors do not match the \(receivedDescriptors) received")
        }
        return .tap(name: tap, descriptorCount: receivedDescriptors)
    }
}
