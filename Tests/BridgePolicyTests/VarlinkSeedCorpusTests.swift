// The fuzzer's seeds for `varlink` are what their names say: a fuzz target that started from
// seeds the codec refuses would never reach the accepting paths it is there to check.
import Foundation
import Testing

@testable import BridgePolicy

private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Fuzz/corpus/varlink").standardized

private func seeds(_ prefix: String) throws -> [(name: String, bytes: [UInt8])] {
    try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().filter { $0.hasPrefix(prefix) }.map {
        ($0, Array(try Data(contentsOf: corpus.appendingPathComponent($0))))
    }
}

/// The count of descriptors the reply lists: the fuzz target reads replies with it too.
private func listedDescriptors(_ bytes: [UInt8]) -> Int {
    guard case .success(let value) = JSONReader.parse(bytes),
        case .array(let indexes) = value["parameters"]?["fileDescriptors"]
    else { return 0 }
    return indexes.count
}

private func clientReads(_ bytes: [UInt8]) -> BrokerReply {
    BrokerCodec.parseOpenTapReply(bytes[...], receivedDescriptors: listedDescriptors(bytes))
}

@Test func everySeedIsOfAKnownKind() throws {
    let all = try seeds("")
    #expect(all.count >= 30)
    for (name, _) in all {
        #expect(["call-", "refused-", "reply-", "json-", "hostile-"].contains { name.hasPrefix($0) }, "\(name)")
    }
}

@Test func callSeedsAreAccepted() throws {
    for (name, bytes) in try seeds("call-") {
        #expect((try? BrokerCodec.parseCall(bytes[...]).get()) != nil, "\(name)")
    }
}

@Test func refusedSeedsAreWellFormedCallsRefused() throws {
    for (name, bytes) in try seeds("refused-") {
        guard case .failure(.refused) = BrokerCodec.parseCall(bytes[...]) else {
            Issue.record("\(name) is not refused with an error reply")
            continue
        }
    }
}

@Test func replySeedsAreBelieved() throws {
    for (name, bytes) in try seeds("reply-") {
        if case .malformed(let why) = clientReads(bytes) { Issue.record("\(name): \(why)") }
    }
}

@Test func jsonSeedsAreValidJSON() throws {
    for (name, bytes) in try seeds("json-") {
        #expect((try? JSONReader.parse(bytes).get()) != nil, "\(name)")
    }
}

@Test func hostileSeedsAreNeitherCallsNorReplies() throws {
    for (name, bytes) in try seeds("hostile-") {
        if case .success(let call) = BrokerCodec.parseCall(bytes[...]) { Issue.record("\(name) is read as \(call)") }
        if case .malformed = clientReads(bytes) { continue }
        Issue.record("\(name) is believed as a reply")
    }
}
