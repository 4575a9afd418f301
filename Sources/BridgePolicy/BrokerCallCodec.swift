/// The daemon's side of a call: one received message in, the call or why not out.
extension BrokerCodec {
    static let openTapMethod = BrokerInterface.name + ".OpenTap"

    /// The longest bridge name `openTapCall` sends as it is: far over IFNAMSIZ, so that the
    /// daemon, not the codec, tells the user the name is too long.
    public static let maximumBridgeBytes = 256

    /// One received message (NUL already removed).
    ///
    /// The grammar is strict: the top level holds only `method` (a string, required),
    /// `parameters` (an object), `oneway`, `more` and `upgrade` (booleans). Each method
    /// refuses unknown parameters with InvalidParameter, and every method refuses `oneway`,
    /// `more` or `upgrade` set to true with MethodNotImplemented (the broker only answers
    /// plain calls, and OpenTap's descriptors can only come with a reply). In OpenTap,
    /// `vnetHeader` and `queues` may be null, which varlink reads as absent.
    public static func parseCall(_ bytes: ArraySlice<UInt8>) -> Result<BrokerCall, VarlinkCallProblem> {
        let members: [JSONMember]
        switch topLevelMembers(bytes) {
        case .success(let read): members = read
        case .failure(let unreadable): return .failure(.malformed(reason: unreadable.reason))
        }
        var method: [UInt8]?
        var parameters: [JSONMember] = []
        var asksMoreThanAReply = false
        for member in members {
            switch (member.key, member.value) {
            case (Key.method, .string(let name)): method = name
            case (Key.parameters, .object(let given)): parameters = given
            case (Key.oneway, .bool(let flag)), (Key.more, .bool(let flag)), (Key.upgrade, .bool(let flag)):
                asksMoreThanAReply = asksMoreThanAReply || flag
            case (Key.method, _), (Key.parameters, _), (Key.oneway, _), (Key.more, _), (Key.upgrade, _):
                return .failure(.malformed(reason: "the call's `\(auditEscaped(member.key))' has the wrong type"))
            default:
                return .failure(.malformed(reason: "the call has an unknown key `\(auditEscaped(member.key))'"))
            }
        }
        guard let method else { return .failure(.malformed(reason: "the call has no `method'")) }
        guard let (interface, member) = VarlinkName.split(method) else {
            return .failure(.malformed(reason: "`\(auditEscaped(method))' is not a varlink method name"))
        }
        let call: Result<BrokerCall, VarlinkError>
        switch (interface, member) {
        case (Key.bridgeInterface, Key.openTap): call = openTap(parameters).map(BrokerCall.openTap)
        case (Key.serviceInterface, Key.getInfo): call = getInfo(parameters)
        case (Key.serviceInterface, Key.getInterfaceDescription): call = getInterfaceDescription(parameters)
        case (Key.bridgeInterface, _), (Key.serviceInterface, _):
            return .failure(.refused(.methodNotFound(method)))
        default:
            return .failure(.refused(.interfaceNotFound(interface)))
        }
        guard !asksMoreThanAReply else {
            return .failure(.refused(.methodNotImplemented(String(decoding: method, as: UTF8.self))))
        }
        return call.mapError(VarlinkCallProblem.refused)
    }

    static func openTap(_ parameters: [JSONMember]) -> Result<OpenTapRequest, VarlinkError> {
        var bridge: [UInt8]?
        var request = OpenTapRequest(bridge: [])
        for parameter in parameters {
            switch (parameter.key, parameter.value) {
            // A NUL would end the name for the kernel: refused here, before anyone reads it.
            case (Key.bridge, .string(let given)) where !given.contains(0): bridge = given
            case (Key.vnetHeader, .bool(let flag)): request.vnetHeader = flag
            case (Key.queues, .integer(let count)) where (1...Int64(BrokerInterface.maximumQueues)).contains(count):
                request.queues = Int(count)
            case (Key.vnetHeader, .null), (Key.queues, .null): continue
            default: return .failure(.invalidParameter(String(decoding: parameter.key, as: UTF8.self)))
            }
        }
        guard let bridge else { return .failure(.invalidParameter("bridge")) }
        request.bridge = bridge
        return .success(request)
    }

    static func getInfo(_ parameters: [JSONMember]) -> Result<BrokerCall, VarlinkError> {
        if let unknown = parameters.first {
            return .failure(.invalidParameter(String(decoding: unknown.key, as: UTF8.self)))
        }
        return .success(.getInfo)
    }

    static func getInterfaceDescription(_ parameters: [JSONMember]) -> Result<BrokerCall, VarlinkError> {
        var interface: [UInt8]?
        for parameter in parameters {
            guard parameter.key == Key.interface, case .string(let given) = parameter.value else {
                return .failure(.invalidParameter(String(decoding: parameter.key, as: UTF8.self)))
            }
            interface = given
        }
        guard let interface else { return .failure(.invalidParameter("interface")) }
        return .success(.getInterfaceDescription(interface: interface))
    }

    /// The client's call, NUL-terminated. Every field is written, defaults too.
    ///
    /// A bridge name that is not well-formed UTF-8 cannot travel in JSON: the writer would
    /// send its other bytes as `\xNN` text, which may name another bridge. Such a name, or
    /// one too long for any interface (over `maximumBridgeBytes`), is sent as a lone NUL
    /// instead, which the daemon refuses with InvalidParameter("bridge"): the call fails
    /// closed. Clients check the name first, as the helper checks `--br=`.
    public static func openTapCall(_ request: OpenTapRequest) -> [UInt8] {
        let travels = request.bridge.count <= maximumBridgeBytes && WellFormedUTF8.validates(request.bridge)
        let bridge = travels ? request.bridge : [0]
        let call = JSONValue.object([
            JSONMember("method", .string(Array(openTapMethod.utf8))),
            JSONMember(
                "parameters",
                .object([
                    JSONMember("bridge", .string(bridge)),
                    JSONMember("vnetHeader", .bool(request.vnetHeader)),
                    JSONMember("queues", .integer(Int64(request.queues))),
                ])),
        ])
        return JSONWriter.write(call) + [0]
    }
}
