// The broker's replies: what the daemon writes, and what the client believes of what it reads.
import Testing

@testable import BridgePolicy

private func text(_ message: [UInt8]) -> String {
    #expect(message.last == 0, "every message ends with its NUL")
    return String(decoding: message.dropLast(), as: UTF8.self)
}

private func clientReads(_ text: String, descriptors: Int) -> BrokerReply {
    BrokerCodec.parseOpenTapReply(bytes(text)[...], receivedDescriptors: descriptors)
}

private func isMalformed(_ reply: BrokerReply) -> Bool {
    if case .malformed = reply { return true }
    return false
}

@Suite struct RepliesTheDaemonWrites {
    @Test func openTap() {
        #expect(
            text(BrokerCodec.openTapReply(tap: bytes("tap0"), descriptorCount: 1))
                == #"{"parameters":{"tap":"tap0","fileDescriptors":[0]}}"#)
        #expect(
            text(BrokerCodec.openTapReply(tap: bytes("tap7"), descriptorCount: 3))
                == #"{"parameters":{"tap":"tap7","fileDescriptors":[0,1,2]}}"#)
    }

    @Test(arguments: [1, 2, 16])
    func theClientBelievesTheDaemonsTapReply(count: Int) {
        let reply = BrokerCodec.openTapReply(tap: bytes("tap12"), descriptorCount: count)
        #expect(
            BrokerCodec.parseOpenTapReply(reply.dropLast(), receivedDescriptors: count)
                == .tap(name: bytes("tap12"), descriptorCount: count))
    }

    @Test func descriptorCountsOutsideTheQueueRangeAreClamped() {
        #expect(
            text(BrokerCodec.openTapReply(tap: bytes("t"), descriptorCount: -3))
                == #"{"parameters":{"tap":"t","fileDescriptors":[]}}"#)
        let many = BrokerCodec.openTapReply(tap: bytes("t"), descriptorCount: 1000)
        #expect(
            BrokerCodec.parseOpenTapReply(many.dropLast(), receivedDescriptors: 16)
                == .tap(name: bytes("t"), descriptorCount: 16))
    }

    @Test func errors() {
        #expect(
            text(BrokerCodec.errorReply(.invalidParameter("queues")))
                == #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"queues"}}"#)
        #expect(
            text(BrokerCodec.errorReply(.methodNotFound(bytes("io.swiftbridgehelper.Bridge.X"))))
                == #"{"error":"org.varlink.service.MethodNotFound","parameters":{"method":"io.swiftbridgehelper.Bridge.X"}}"#
        )
        #expect(
            text(BrokerCodec.errorReply(.interfaceNotFound(bytes("a.b"))))
                == #"{"error":"org.varlink.service.InterfaceNotFound","parameters":{"interface":"a.b"}}"#)
        #expect(
            text(BrokerCodec.errorReply(.methodNotImplemented("io.swiftbridgehelper.Bridge.OpenTap")))
                == #"{"error":"org.varlink.service.MethodNotImplemented","parameters":{"method":"io.swiftbridgehelper.Bridge.OpenTap"}}"#
        )
        #expect(
            text(BrokerCodec.errorReply(.denied(lines: HelperStderr.denied)))
                == #"{"error":"io.swiftbridgehelper.Bridge.Denied","parameters":{"lines":["access denied by acl file"]}}"#
        )
        #expect(
            text(BrokerCodec.errorReply(.failed(lines: ["failed to get mtu of bridge `br0': No such device"])))
                == #"{"error":"io.swiftbridgehelper.Bridge.Failed","parameters":{"lines":["failed to get mtu of bridge `br0': No such device"]}}"#
        )
        #expect(
            text(BrokerCodec.errorReply(VarlinkError(name: "org.example.E")))
                == #"{"error":"org.example.E","parameters":{}}"#)
    }

    @Test func deniedAndFailedLinesReachTheClientWithOtherBytesAsBackslashXNN() {
        let lines: [Message] = [
            Message(bytes: bytes("/etc/qemu/bridge.conf:3: allow br") + [0xFF, 0xC0]), "  \"quoted\" \\ é", "",
        ]
        let expected: [Message] = [#"/etc/qemu/bridge.conf:3: allow br\xff\xc0"#, "  \"quoted\" \\ é", ""]
        let denied = BrokerCodec.errorReply(.denied(lines: lines))
        #expect(BrokerCodec.parseOpenTapReply(denied.dropLast(), receivedDescriptors: 0) == .denied(lines: expected))
        let failed = BrokerCodec.errorReply(.failed(lines: lines))
        #expect(BrokerCodec.parseOpenTapReply(failed.dropLast(), receivedDescriptors: 0) == .failed(lines: expected))
    }

    @Test func tooManyLinesAreCutWithALineThatSaysSo() {
        let lines = (1...100).map { "line \($0)" as Message }
        guard
            case .denied(let received) = BrokerCodec.parseOpenTapReply(
                BrokerCodec.errorReply(.denied(lines: lines)).dropLast(), receivedDescriptors: 0)
        else {
            Issue.record("100 lines are still a Denied reply")
            return
        }
        #expect(received == Array(lines.prefix(VarlinkError.maximumLines)) + ["(36 more lines not sent)"])
    }

    @Test func aLongLineIsCutAtACharacterBoundary() {
        let fits = bytes(repeating: "a", count: VarlinkError.maximumLineBytes - 1)
        let line = Message(bytes: fits + bytes("é and more"))
        #expect(VarlinkError.failed(lines: [line]).parameters == [JSONMember("lines", .array([.string(fits)]))])
    }

    @Test func linesThatWouldOverflowTheMessageAreCut() {
        // Control characters take six bytes each in JSON: 64 such lines would not fit.
        let line = Message(bytes: [UInt8](repeating: 0x01, count: VarlinkError.maximumLineBytes))
        let reply = BrokerCodec.errorReply(.denied(lines: Array(repeating: line, count: 64)))
        #expect(reply.count - 1 <= BrokerInterface.maximumMessageBytes)
        guard case .denied(let received) = BrokerCodec.parseOpenTapReply(reply.dropLast(), receivedDescriptors: 0)
        else {
            Issue.record("the cut reply is still a Denied reply")
            return
        }
        #expect(received.count == 3)
        #expect(received.last == "(62 more lines not sent)")
    }

    @Test func anErrorTooLargeToSendBecomesFailedSayingSo() {
        let huge = VarlinkError(
            name: "org.example.E", parameters: [JSONMember("x", .string(bytes(repeating: "x", count: 20000)))])
        #expect(
            BrokerCodec.parseOpenTapReply(BrokerCodec.errorReply(huge).dropLast(), receivedDescriptors: 0)
                == .failed(lines: ["the broker's error reply was too large to send"]))
    }

    @Test func aReplyTooLargeToSendBecomesFailedSayingSo() {
        let tap = BrokerCodec.openTapReply(tap: bytes(repeating: "\u{1}", count: 3000), descriptorCount: 1)
        #expect(
            text(tap)
                == #"{"error":"io.swiftbridgehelper.Bridge.Failed","parameters":{"lines":["the broker's reply was too large to send"]}}"#
        )
    }

    @Test func getInfo() {
        #expect(
            text(BrokerCodec.getInfoReply(version: "0.2.0"))
                == #"{"parameters":{"vendor":"swift-bridge-helper","product":"swift-bridge-helperd","version":"0.2.0","url":"man:swift-bridge-helperd(8)","interfaces":["org.varlink.service","io.swiftbridgehelper.Bridge"]}}"#
        )
    }

    @Test func interfaceDescriptions() throws {
        let ours = try JSONReader.parse(
            BrokerCodec.interfaceDescriptionReply(for: bytes(BrokerInterface.name)).dropLast()
        ).get()
        #expect(
            ours
                == .object([
                    JSONMember(
                        "parameters", .object([JSONMember("description", .string(bytes(BrokerInterface.description)))]))
                ]))
        let service = try JSONReader.parse(
            BrokerCodec.interfaceDescriptionReply(for: bytes("org.varlink.service")).dropLast()
        ).get()
        #expect(service["parameters"]?["description"] == .string(bytes(BrokerInterface.serviceDescription)))
        #expect(
            BrokerCodec.interfaceDescriptionReply(for: bytes("org.example.X"))
                == BrokerCodec.errorReply(.interfaceNotFound(bytes("org.example.X"))))
    }

    @Test func theIDLDocumentsTheInterface() {
        let idl = BrokerInterface.description
        #expect(idl.contains("\ninterface io.swiftbridgehelper.Bridge\n"))
        #expect(
            idl.contains(
                "\nmethod OpenTap(bridge: string, vnetHeader: ?bool, queues: ?int) -> (tap: string, fileDescriptors: []int)\n"
            ))
        #expect(idl.contains("\nerror Denied (lines: []string)\n"))
        #expect(idl.contains("\nerror Failed (lines: []string)\n"))
        #expect(idl.contains("SCM_RIGHTS") && idl.contains("stderr"))
        #expect(
            idl.utf8.count <= JSONReader.maximumStringBytes
                && BrokerInterface.serviceDescription.utf8.count <= JSONReader.maximumStringBytes)
    }

    @Test func everyReplyTheCodecWritesIsOneMessageTheReaderAccepts() {
        let hostile: [UInt8] = [0xFF, 0x00, 0x0A, 0x22, 0x5C] + bytes(repeating: "\u{1}", count: 9000)
        let replies = [
            BrokerCodec.openTapReply(tap: hostile, descriptorCount: 16),
            BrokerCodec.openTapReply(tap: bytes("tap0"), descriptorCount: 0),
            BrokerCodec.errorReply(.invalidParameter(String(decoding: hostile, as: UTF8.self))),
            BrokerCodec.errorReply(.methodNotFound(hostile)),
            BrokerCodec.errorReply(.interfaceNotFound(hostile)),
            BrokerCodec.errorReply(.methodNotImplemented(String(decoding: hostile, as: UTF8.self))),
            BrokerCodec.errorReply(.denied(lines: Array(repeating: Message(bytes: hostile), count: 300))),
            BrokerCodec.errorReply(.failed(lines: [])),
            BrokerCodec.getInfoReply(version: String(decoding: hostile, as: UTF8.self)),
            BrokerCodec.interfaceDescriptionReply(for: bytes(BrokerInterface.name)),
            BrokerCodec.interfaceDescriptionReply(for: bytes("org.varlink.service")),
            BrokerCodec.interfaceDescriptionReply(for: hostile),
            BrokerCodec.openTapCall(OpenTapRequest(bridge: hostile, vnetHeader: true, queues: 16)),
            BrokerCodec.openTapCall(OpenTapRequest(bridge: Array(hostile.prefix(BrokerCodec.maximumBridgeBytes)))),
        ]
        for reply in replies {
            #expect(reply.last == 0 && reply.firstIndex(of: 0) == reply.count - 1, "one message, one NUL")
            #expect(reply.count - 1 <= BrokerInterface.maximumMessageBytes)
            #expect((try? JSONReader.parse(reply.dropLast()).get()) != nil, "\(text(reply).prefix(80))")
        }
    }
}

@Suite struct RepliesTheClientReads {
    @Test(arguments: [
        (
            #"{"parameters":{"tap":"tap0","fileDescriptors":[0]}}"#, 1,
            BrokerReply.tap(name: bytes("tap0"), descriptorCount: 1)
        ),
        (
            #"{"parameters":{"fileDescriptors":[0,1],"tap":"t"},"continues":false}"#, 2,
            .tap(name: bytes("t"), descriptorCount: 2)
        ),
        (#"{"error":"io.swiftbridgehelper.Bridge.Denied","parameters":{"lines":[]}}"#, 0, .denied(lines: [])),
        (
            #"{"error":"io.swiftbridgehelper.Bridge.Failed","parameters":{"lines":["a","b"]}}"#, 0,
            .failed(lines: ["a", "b"])
        ),
        (
            #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"queues"}}"#, 0,
            .otherError(name: bytes("org.varlink.service.InvalidParameter"))
        ),
        (
            #"{"error":"org.varlink.service.MethodNotFound"}"#, 0,
            .otherError(name: bytes("org.varlink.service.MethodNotFound"))
        ),
    ])
    func believes(reply: String, descriptors: Int, expected: BrokerReply) {
        #expect(clientReads(reply, descriptors: descriptors) == expected)
    }

    @Test(arguments: [
        ("", 1), ("{", 1), ("[]", 1), ("{}", 1), (#"{"parameters":null}"#, 1),
        // The descriptors: exactly [0..<received], 1 to 16 of them.
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0]}}"#, 0),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0]}}"#, 2),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0,1]}}"#, 1),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[1,0]}}"#, 2),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0,0]}}"#, 2),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[]}}"#, 0),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0.0]}}"#, 1),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":["0"]}}"#, 1),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":0}}"#, 1),
        (#"{"parameters":{"tap":"t","fileDescriptors":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}}"#, 17),
        // The tap: a valid interface name.
        (#"{"parameters":{"tap":"","fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"tap":"../x","fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"tap":"tap 0","fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"tap":"t\u0000","fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"tap":"0123456789abcdef","fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"tap":7,"fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"fileDescriptors":[0]}}"#, 1),
        (#"{"parameters":{"tap":"tap0"}}"#, 1),
        // Nothing else, anywhere.
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0],"mac":"fe:00"}}"#, 1),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0]},"x":1}"#, 1),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0]},"continues":true}"#, 1),
        (#"{"parameters":{"tap":"tap0","fileDescriptors":[0]}} "# + "x", 1),
        // Errors: without descriptors, with a varlink name, and Denied and Failed exactly as declared.
        (#"{"error":"io.swiftbridgehelper.Bridge.Denied","parameters":{"lines":[]}}"#, 1),
        (#"{"error":"io.swiftbridgehelper.Bridge.Denied"}"#, 0),
        (#"{"error":"io.swiftbridgehelper.Bridge.Denied","parameters":{}}"#, 0),
        (#"{"error":"io.swiftbridgehelper.Bridge.Denied","parameters":{"lines":"no"}}"#, 0),
        (#"{"error":"io.swiftbridgehelper.Bridge.Failed","parameters":{"lines":[1]}}"#, 0),
        (#"{"error":"io.swiftbridgehelper.Bridge.Failed","parameters":{"lines":[],"more":[]}}"#, 0),
        (#"{"error":"Denied","parameters":{"lines":[]}}"#, 0),
        (#"{"error":"","parameters":{}}"#, 0),
        (#"{"error":7}"#, 0),
        (#"{"error":"org.example.E","parameters":[]}"#, 0),
    ])
    func refuses(reply: String, descriptors: Int) {
        #expect(isMalformed(clientReads(reply, descriptors: descriptors)))
    }

    @Test func aReplyOverTheLimitIsMalformedBeforeItIsRead() {
        let reply = bytes(#"{"parameters":{"tap":"tap0","fileDescriptors":[0]}}"#)
        let padded = reply + [UInt8](repeating: 0x20, count: BrokerInterface.maximumMessageBytes - reply.count)
        #expect(
            BrokerCodec.parseOpenTapReply(padded[...], receivedDescriptors: 1)
                == .tap(name: bytes("tap0"), descriptorCount: 1))
        #expect(
            BrokerCodec.parseOpenTapReply((padded + [0x20])[...], receivedDescriptors: 1)
                == .malformed("the broker's reply: the message is over 16384 bytes"))
    }
}

@Test func theReaderAndTheCodecAgreeOnTheMessageLimit() {
    #expect(JSONReader.maximumInputBytes == BrokerInterface.maximumMessageBytes)
    #expect(BrokerInterface.maximumMessageBytes == 16384 && BrokerInterface.maximumQueues == 16)
    #expect(BrokerInterface.socketPath == "/run/swift-bridge-helper/" + BrokerInterface.name)
}

@Test func integersAreWrittenWithoutGoingThroughString() {
    #expect(
        JSONWriter.write(.array([.integer(.max), .integer(.min), .integer(0)]))
            == bytes("[9223372036854775807,-9223372036854775808,0]"))
}
