// The daemon's side of the broker's varlink protocol: which messages are calls, which calls
// are refused with which error, and what the client writes.
import Testing

@testable import BridgePolicy

private func parse(_ text: String) -> Result<BrokerCall, VarlinkCallProblem> {
    BrokerCodec.parseCall(bytes(text)[...])
}

private func openTap(_ bridge: String, vnet: Bool = false, queues: Int = 1) -> Result<BrokerCall, VarlinkCallProblem> {
    .success(.openTap(OpenTapRequest(bridge: bytes(bridge), vnetHeader: vnet, queues: queues)))
}

private func refused(_ error: VarlinkError) -> Result<BrokerCall, VarlinkCallProblem> { .failure(.refused(error)) }

private func isMalformed(_ result: Result<BrokerCall, VarlinkCallProblem>) -> Bool {
    if case .failure(.malformed) = result { return true }
    return false
}

private let openTapMethod = #""method":"io.swiftbridgehelper.Bridge.OpenTap""#

@Suite struct AcceptedCalls {
    @Test(arguments: [
        (#"{"method":"io.swiftbridgehelper.Bridge.OpenTap","parameters":{"bridge":"br0"}}"#, openTap("br0")),
        (
            #"{"parameters":{"queues":16,"vnetHeader":true,"bridge":"virbr0"},"method":"io.swiftbridgehelper.Bridge.OpenTap"}"#,
            openTap("virbr0", vnet: true, queues: 16)
        ),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","vnetHeader":false,"queues":1}}"#, openTap("br0")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","vnetHeader":null,"queues":null}}"#, openTap("br0")),
        (
            #"{\#(openTapMethod),"parameters":{"bridge":"br0"},"oneway":false,"more":false,"upgrade":false}"#,
            openTap("br0")
        ),
        // Not checked as an interface name here: the daemon checks it as the helper checks --br=.
        (#"{\#(openTapMethod),"parameters":{"bridge":"a/b c\u00e9"}}"#, openTap("a/b cé")),
        (#"{"method":"org.varlink.service.GetInfo"}"#, .success(.getInfo)),
        (#"{"method":"org.varlink.service.GetInfo","parameters":{}}"#, .success(.getInfo)),
        (
            #"{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"io.swiftbridgehelper.Bridge"}}"#,
            .success(.getInterfaceDescription(interface: bytes("io.swiftbridgehelper.Bridge")))
        ),
        (
            #"{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"x"}}"#,
            .success(.getInterfaceDescription(interface: bytes("x")))
        ),
    ])
    func parses(text: String, expected: Result<BrokerCall, VarlinkCallProblem>) {
        #expect(parse(text) == expected)
    }

    @Test(arguments: [
        OpenTapRequest(bridge: bytes("br0")), OpenTapRequest(bridge: bytes("b\"r\\é"), vnetHeader: true, queues: 16),
    ])
    func theClientsCallIsOneTheDaemonReads(request: OpenTapRequest) {
        let call = BrokerCodec.openTapCall(request)
        #expect(call.last == 0)
        #expect(call.dropLast().contains(0) == false)
        #expect(BrokerCodec.parseCall(call.dropLast()) == .success(.openTap(request)))
    }

    @Test(arguments: [
        bytes("br") + [0xFF],  // would arrive as the valid interface name `br\xff`
        bytes("br\u{0}0"), bytes(repeating: "b", count: BrokerCodec.maximumBridgeBytes + 1),
    ])
    func aBridgeNameJSONCannotCarryFailsClosed(bridge: [UInt8]) {
        let call = BrokerCodec.openTapCall(OpenTapRequest(bridge: bridge))
        #expect(BrokerCodec.parseCall(call.dropLast()) == .failure(.refused(.invalidParameter("bridge"))))
    }

    @Test func theClientWritesEveryField() {
        let call = BrokerCodec.openTapCall(OpenTapRequest(bridge: bytes("br0")))
        #expect(
            String(decoding: call.dropLast(), as: UTF8.self)
                == #"{"method":"io.swiftbridgehelper.Bridge.OpenTap","parameters":{"bridge":"br0","vnetHeader":false,"queues":1}}"#
        )
    }
}

@Suite struct RefusedCalls {
    @Test(arguments: [
        (#"{\#(openTapMethod)}"#, VarlinkError.invalidParameter("bridge")),
        (#"{\#(openTapMethod),"parameters":{}}"#, .invalidParameter("bridge")),
        (#"{\#(openTapMethod),"parameters":{"bridge":7}}"#, .invalidParameter("bridge")),
        (#"{\#(openTapMethod),"parameters":{"bridge":null}}"#, .invalidParameter("bridge")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br\u0000x"}}"#, .invalidParameter("bridge")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","vnetHeader":1}}"#, .invalidParameter("vnetHeader")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","vnetHeader":"true"}}"#, .invalidParameter("vnetHeader")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":0}}"#, .invalidParameter("queues")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":17}}"#, .invalidParameter("queues")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":-1}}"#, .invalidParameter("queues")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":2.0}}"#, .invalidParameter("queues")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":1e0}}"#, .invalidParameter("queues")),
        (
            #"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":99999999999999999999}}"#,
            .invalidParameter("queues")
        ),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","queues":"2"}}"#, .invalidParameter("queues")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","mac":"fe:00"}}"#, .invalidParameter("mac")),
        (#"{\#(openTapMethod),"parameters":{"mac":"fe:00","bridge":"br0"}}"#, .invalidParameter("mac")),
        (#"{\#(openTapMethod),"parameters":{"bridge":"br0","Bridge":"br1"}}"#, .invalidParameter("Bridge")),
        (
            #"{\#(openTapMethod),"parameters":{"bridge":"br0"},"oneway":true}"#,
            .methodNotImplemented("io.swiftbridgehelper.Bridge.OpenTap")
        ),
        (
            #"{\#(openTapMethod),"parameters":{"bridge":"br0"},"more":true}"#,
            .methodNotImplemented("io.swiftbridgehelper.Bridge.OpenTap")
        ),
        (
            #"{\#(openTapMethod),"parameters":{"bridge":"br0"},"upgrade":true}"#,
            .methodNotImplemented("io.swiftbridgehelper.Bridge.OpenTap")
        ),
        (
            #"{"method":"org.varlink.service.GetInfo","more":true}"#,
            .methodNotImplemented("org.varlink.service.GetInfo")
        ),
        (#"{"method":"org.varlink.service.GetInfo","parameters":{"x":1}}"#, .invalidParameter("x")),
        (#"{"method":"org.varlink.service.GetInterfaceDescription"}"#, .invalidParameter("interface")),
        (
            #"{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":1}}"#,
            .invalidParameter("interface")
        ),
        (
            #"{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"a.b","x":1}}"#,
            .invalidParameter("x")
        ),
        (
            #"{"method":"io.swiftbridgehelper.Bridge.CloseTap"}"#,
            .methodNotFound(bytes("io.swiftbridgehelper.Bridge.CloseTap"))
        ),
        (#"{"method":"org.varlink.service.Ping"}"#, .methodNotFound(bytes("org.varlink.service.Ping"))),
        (#"{"method":"io.systemd.UserDatabase.GetUserRecord"}"#, .interfaceNotFound(bytes("io.systemd.UserDatabase"))),
        (
            #"{"method":"io.swiftbridgehelper.bridge.OpenTap"}"#,
            .interfaceNotFound(bytes("io.swiftbridgehelper.bridge"))
        ),
    ])
    func refuses(text: String, error: VarlinkError) {
        #expect(parse(text) == refused(error))
    }

    @Test(arguments: [
        "", "null", "[]", #""io.swiftbridgehelper.Bridge.OpenTap""#, "{}", "{} ", "{}{}",
        #"{"parameters":{"bridge":"br0"}}"#, #"{"method":7}"#, #"{"method":null}"#,
        #"{\#(openTapMethod),"parameters":{"bridge":"br0"},"x":1}"#,
        #"{\#(openTapMethod),"parameters":[]}"#, #"{\#(openTapMethod),"parameters":null}"#,
        #"{\#(openTapMethod),"oneway":1}"#, #"{\#(openTapMethod),"more":"true"}"#,
        #"{\#(openTapMethod),\#(openTapMethod)}"#, #"{\#(openTapMethod),"parameters":{"bridge":"a","bridge":"b"}}"#,
        #"{"method":"OpenTap"}"#, #"{"method":"io.swiftbridgehelper.Bridge."}"#,
        #"{"method":"io.swiftbridgehelper.Bridge.openTap"}"#,
        #"{"method":"io..Bridge.OpenTap"}"#, #"{"method":"io.swiftbridgehelper-.Bridge.OpenTap"}"#,
        #"{"method":"1io.x.OpenTap"}"#, #"{"method":"io.x.Open_Tap"}"#, #"{"method":" io.x.OpenTap"}"#,
        "\u{FEFF}{\(openTapMethod)}", #"{\#(openTapMethod),}"#,
    ])
    func aMessageThatIsNotAVarlinkCallIsMalformed(text: String) {
        #expect(isMalformed(parse(text)))
    }

    @Test func aMessageOverTheLimitIsMalformedBeforeItIsRead() {
        let padding = [UInt8](repeating: 0x20, count: BrokerInterface.maximumMessageBytes)
        let call = bytes(#"{"method":"org.varlink.service.GetInfo"}"#)
        #expect(BrokerCodec.parseCall((call + padding.dropFirst(call.count))[...]) == .success(.getInfo))
        #expect(
            BrokerCodec.parseCall((call + padding.dropFirst(call.count - 1))[...])
                == .failure(.malformed(reason: "the message is over 16384 bytes")))
    }

    @Test func malformedReasonsShowHostileBytesEscaped() {
        #expect(
            parse("{\"\\u001b[2J\":1}")
                == .failure(.malformed(reason: "the call has an unknown key `\\x1b[2J'")))
    }

    @Test func echoedNamesAreClipped() {
        let long = "io.x." + String(repeating: "A", count: 5000)
        guard case .failure(.refused(let error)) = parse(#"{"method":"\#(long)"}"#) else {
            Issue.record("a long method in another interface is refused")
            return
        }
        #expect(error == .interfaceNotFound(bytes("io.x")))
        #expect(
            VarlinkError.methodNotFound(bytes(long)).parameters == [
                JSONMember("method", .string(bytes(String(long.prefix(256)))))
            ])
    }
}
