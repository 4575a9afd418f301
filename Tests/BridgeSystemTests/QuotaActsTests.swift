// A rule's max=N in the privileged acts: counted before anything is made and again with the
// new port on the bridge (still down); over recorded calls, so without root.
import BridgePolicy
import Glibc
import Testing

@testable import BridgeSystem

private func quotaRule(_ limit: UInt16) -> Decision {
    .allowed(
        by: ACLRule(
            action: .allow, target: .bridge(Array("br0".utf8)),
            location: SourceLocation(file: Array("/etc/qemu/bridge.conf".utf8), line: 3),
            options: RuleOptions(maxTaps: limit)))
}

private func run(_ calls: RecordingCalls, limit: UInt16) -> HandoverFailure? {
    let acts = PrivilegedActs(
        bridge: BridgeAttachment(
            calls: calls, bridge: BridgeNames(requested: Array("br0".utf8), kernelName: Array("br0".utf8))),
        decision: quotaRule(limit), caller: CallerIdentity(uid: 1000, gid: 100), vnetHeader: false)
    do { try acts.run(to: .helperSocket(5)) } catch { return error }
    return nil
}

private func rendered(_ failure: HelperFailure) -> String {
    ([failure.message] + failure.hints).map(\.description).joined(separator: "|")
}

@Suite struct QuotaActs {
    @Test func underTheLimitItIsCountedBeforeTheTapAndAgainBeforeItIsUp() throws {
        let calls = RecordingCalls()
        calls.heldCounts = [1, 2]
        #expect(run(calls, limit: 2) == nil)
        let log = calls.log
        let counts = log.indices.filter { log[$0] == "heldTaps 1000 7" }
        #expect(counts.count == 2)
        let first = try #require(counts.first)
        let second = try #require(counts.last)
        #expect(first < log.firstIndex(of: "openTun")!)
        #expect(log.firstIndex(of: "addInterface 8 br0")! < second && second < log.firstIndex(of: "flags tap0")!)
        #expect(log.last == "close tun" && log.contains("send tun over 5"))
    }

    @Test func atTheLimitNothingIsMade() throws {
        let calls = RecordingCalls()
        calls.heldCounts = [2]
        let failure = try #require(run(calls, limit: 2))
        #expect(
            rendered(failure.failure)
                == "access denied: uid 1000 already holds 2 taps on bridge `br0', and the rule at /etc/qemu/bridge.conf:3 allows 2 (max=2)|nothing was created"
        )
        #expect(failure.outcome.description == "denied by /etc/qemu/bridge.conf:3 (max=2): uid 1000 holds 2")
        #expect(
            calls.log == ["mtu br0", "driver br0", "openNetlink", "index br0", "heldTaps 1000 7", "close netlink"])
    }

    /// Another request's port joined between the two counts: this one withdraws, its tap
    /// closes before it is up, and nothing is sent or logged as granted.
    @Test func overTheLimitWithTheNewPortItIsWithdrawn() throws {
        let calls = RecordingCalls()
        calls.heldCounts = [0, 2]
        let failure = try #require(run(calls, limit: 1))
        #expect(
            rendered(failure.failure)
                == "access denied: uid 1000 already holds 2 taps on bridge `br0' with this one, and the rule at /etc/qemu/bridge.conf:3 allows 1 (max=1)|another request took the last one at the same time; the new tap was removed"
        )
        #expect(failure.outcome.description == "denied by /etc/qemu/bridge.conf:3 (max=1): uid 1000 holds 2")
        #expect(!calls.log.contains { $0.hasPrefix("flags") || $0.hasPrefix("audit") || $0.hasPrefix("send") })
        #expect(calls.log.suffix(2).sorted() == ["close netlink", "close tun"])
    }

    @Test func aCountThatFailsRefuses() throws {
        let calls = RecordingCalls()
        calls.failing = 4  // the first heldTaps
        calls.errno = EAGAIN
        let failure = try #require(run(calls, limit: 4))
        #expect(
            rendered(failure.failure)
                == "failed to count the taps of uid 1000 on bridge `br0' (needed by the rule at /etc/qemu/bridge.conf:3): Resource temporarily unavailable|nothing was created"
        )
        #expect(!calls.log.contains("openTun"))
    }
}
