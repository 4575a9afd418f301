// libFuzzer target: the JSON reader and writer and the broker's varlink codec, on one message
// as the daemon (a call) and the client (a reply) would receive it.
import BridgePolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVarlink(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let message = fuzzInput(start, count)[...]
    let read = JSONReader.parse(message)
    invariant(JSONReader.parse(message) == read, "reading is deterministic")
    checkReader(message, read)
    checkCall(message, (try? read.get()))
    checkReply(message, (try? read.get()))
    return 0
}

/// Accepted JSON is within every limit, and canonical output reads back as the same value.
private func checkReader(_ message: ArraySlice<UInt8>, _ read: Result<JSONValue, JSONReadError>) {
    switch read {
    case .success(let value):
        invariant(message.count <= JSONReader.maximumInputBytes, "nothing over the size limit is read")
        checkWithinLimits(value, depth: 0)
        let canonical = JSONWriter.write(value)
        invariant(canonical.count <= message.count, "canonical output is never longer than its input")
        invariant(JSONReader.parse(canonical) == .success(value), "the writer's output reads back equal")
        invariant(JSONWriter.write(value) == canonical, "writing is deterministic")
    case .failure(let error):
        invariant((0...message.count).contains(error.offset), "the error's offset is in the message")
        if message.count > JSONReader.maximumInputBytes {
            invariant(error == JSONReadError(.tooLarge, at: 0), "an input over the limit is refused for its size")
        }
    }
}

private func checkWithinLimits(_ value: JSONValue, depth: Int) {
    switch value {
    case .string(let bytes):
        invariant(bytes.count <= JSONReader.maximumStringBytes, "strings are within the limit")
        invariant(WellFormedUTF8.validates(bytes), "strings read are well-formed UTF-8")
    case .array(let elements):
        invariant(depth < JSONReader.maximumDepth, "containers nest within the limit")
        invariant(elements.count <= JSONReader.maximumContainerCount, "arrays are within the limit")
        for element in elements { checkWithinLimits(element, depth: depth + 1) }
    case .object(let members):
        invariant(depth < JSONReader.maximumDepth, "containers nest within the limit")
        invariant(members.count <= JSONReader.maximumContainerCount, "objects are within the limit")
        invariant(Set(members.map(\.key)).count == members.count, "no key twice")
        for member in members {
            invariant(member.key.count <= JSONReader.maximumStringBytes, "keys are within the limit")
            invariant(WellFormedUTF8.validates(member.key), "keys read are well-formed UTF-8")
            checkWithinLimits(member.value, depth: depth + 1)
        }
    case .null, .bool, .integer, .number: break
    }
}

private let topLevelKeys = ["method", "parameters", "oneway", "more", "upgrade"].map { Array($0.utf8) }

/// The daemon's side: what parseCall accepts obeys the grammar, checked again here from the
/// JSON; what it refuses gets an error reply that is one valid message.
private func checkCall(_ message: ArraySlice<UInt8>, _ value: JSONValue?) {
    let result = BrokerCodec.parseCall(message)
    invariant(BrokerCodec.parseCall(message) == result, "parsing a call is deterministic")
    let members: [JSONMember]
    if case .object(let read) = value { members = read } else { members = [] }
    let isCallShaped = members.allSatisfy { topLevelKeys.contains($0.key) } && kind(value?["method"]) == "string"
    let parameters: [JSONMember]
    if case .object(let given) = value?["parameters"] { parameters = given } else { parameters = [] }
    let asksMore = ["oneway", "more", "upgrade"].contains { value?[$0] == .bool(true) }
    switch result {
    case .success(let call):
        invariant(isCallShaped && !asksMore, "only a plain, well-formed call is accepted")
        invariant(["absent", "object"].contains(kind(value?["parameters"])), "parameters, if any, are an object")
        checkAccepted(call, method: value?["method"], parameters: parameters)
    case .failure(.refused(let error)):
        invariant(isCallShaped, "only a well-formed call gets an error reply")
        let reply = BrokerCodec.errorReply(error)
        checkOneMessage(reply)
        invariant(replyJSON(reply)?["error"] == .string(Array(error.name.utf8)), "the reply names the error")
    case .failure(.malformed):
        break
    }
}

private func checkAccepted(_ call: BrokerCall, method: JSONValue?, parameters: [JSONMember]) {
    switch call {
    case .openTap(let request):
        invariant(method == .string(Array("io.swiftbridgehelper.Bridge.OpenTap".utf8)), "OpenTap is its method")
        let known = ["bridge", "vnetHeader", "queues"].map { Array($0.utf8) }
        invariant(parameters.allSatisfy { known.contains($0.key) }, "only OpenTap's parameters")
        invariant(parameters.first { $0.key == Array("bridge".utf8) }?.value == .string(request.bridge), "the bridge")
        invariant(!request.bridge.contains(0), "no NUL in the bridge")
        invariant((1...BrokerInterface.maximumQueues).contains(request.queues), "queues 1 to 16")
        let queues = parameters.first { $0.key == Array("queues".utf8) }?.value
        invariant(
            queues == .integer(Int64(request.queues)) || (request.queues == 1 && (queues == nil || queues == .null)),
            "the queues given, or 1")
        let vnet = parameters.first { $0.key == Array("vnetHeader".utf8) }?.value
        invariant(
            vnet == .bool(request.vnetHeader) || (!request.vnetHeader && (vnet == nil || vnet == .null)),
            "the vnetHeader given, or false")
        let call = BrokerCodec.openTapCall(request)
        checkOneMessage(call)
        let expected: Result<BrokerCall, VarlinkCallProblem> =
            request.bridge.count <= BrokerCodec.maximumBridgeBytes
            ? .success(.openTap(request)) : .failure(.refused(.invalidParameter("bridge")))
        invariant(BrokerCodec.parseCall(call.dropLast()) == expected, "the client's call reads back as its request")
    case .getInfo:
        invariant(method == .string(Array("org.varlink.service.GetInfo".utf8)), "GetInfo is its method")
        invariant(parameters.isEmpty, "GetInfo takes no parameters")
        checkOneMessage(BrokerCodec.getInfoReply(version: "0.1.0"))
    case .getInterfaceDescription(let interface):
        invariant(
            method == .string(Array("org.varlink.service.GetInterfaceDescription".utf8)),
            "GetInterfaceDescription is its method")
        invariant(parameters == [JSONMember("interface", .string(interface))], "only the interface")
        checkOneMessage(BrokerCodec.interfaceDescriptionReply(for: interface))
    }
}

/// The client's side: a tap only as the interface says, and what the client reads the daemon
/// can write again.
private func checkReply(_ message: ArraySlice<UInt8>, _ value: JSONValue?) {
    // The descriptor count the reply claims, so that valid tap replies are reached.
    var received = 0
    if case .array(let indexes) = value?["parameters"]?["fileDescriptors"] { received = indexes.count }
    let reply = BrokerCodec.parseOpenTapReply(message, receivedDescriptors: received)
    invariant(BrokerCodec.parseOpenTapReply(message, receivedDescriptors: received) == reply, "deterministic")
    switch reply {
    case .tap(let name, let count):
        invariant(count == received && (1...BrokerInterface.maximumQueues).contains(count), "1 to 16, as received")
        invariant(name.count <= InterfaceName.maximumLength && InterfaceName.problem(with: name) == nil, "a valid tap")
        invariant(value?["error"] == nil, "no error")
        for other in [received - 1, received + 1, 0] {
            invariant(
                kind(BrokerCodec.parseOpenTapReply(message, receivedDescriptors: other)) != "tap",
                "a tap only with exactly the descriptors listed")
        }
        let written = BrokerCodec.openTapReply(tap: name, descriptorCount: count)
        checkOneMessage(written)
        invariant(BrokerCodec.parseOpenTapReply(written.dropLast(), receivedDescriptors: count) == reply, "round trip")
    case .denied(let lines), .failed(let lines):
        invariant(received == 0, "no descriptors with an error")
        let error: VarlinkError = kind(reply) == "denied" ? .denied(lines: lines) : .failed(lines: lines)
        let written = BrokerCodec.errorReply(error)
        checkOneMessage(written)
        let again = BrokerCodec.parseOpenTapReply(written.dropLast(), receivedDescriptors: 0)
        invariant(kind(again) == kind(reply), "the same error")
        let linesAgain = errorLines(again)
        if linesAgain != lines {
            // Cut only past a limit, keeping the first lines and saying so in the last.
            invariant(
                linesAgain.count <= VarlinkError.maximumLines + 1
                    && linesAgain.last?.bytes.starts(with: Array("(".utf8)) == true
                    && zip(lines, linesAgain.dropLast()).allSatisfy { $0.bytes.starts(with: $1.bytes) },
                "lines change only by being cut")
        }
    case .otherError(let name):
        invariant(received == 0, "no descriptors with an error")
        invariant(value?["error"] == .string(name), "the error's name")
        let written = BrokerCodec.errorReply(VarlinkError(name: String(decoding: name, as: UTF8.self)))
        checkOneMessage(written)
        invariant(BrokerCodec.parseOpenTapReply(written.dropLast(), receivedDescriptors: 0) == reply, "round trip")
    case .malformed:
        break
    }
}

/// One NUL-terminated message within the limit, which the reader accepts.
private func checkOneMessage(_ message: [UInt8]) {
    invariant(message.last == 0 && message.firstIndex(of: 0) == message.count - 1, "one message, one NUL")
    invariant(message.count - 1 <= BrokerInterface.maximumMessageBytes, "within the message limit")
    invariant(replyJSON(message) != nil, "the writer's output reads")
}

private func replyJSON(_ message: [UInt8]) -> JSONValue? { try? JSONReader.parse(message.dropLast()).get() }

/// The kind of a value or reply, for invariants about kinds; one switch each, not a
/// predicate per case.
private func kind(_ value: JSONValue?) -> String {
    switch value {
    case nil: return "absent"
    case .null: return "null"
    case .bool: return "bool"
    case .integer, .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
}

private func kind(_ reply: BrokerReply) -> String {
    switch reply {
    case .tap: return "tap"
    case .denied: return "denied"
    case .failed: return "failed"
    case .otherError: return "otherError"
    case .malformed: return "malformed"
    }
}

private func errorLines(_ reply: BrokerReply) -> [Message] {
    switch reply {
    case .denied(let lines), .failed(let lines): return lines
    default: return []
    }
}
