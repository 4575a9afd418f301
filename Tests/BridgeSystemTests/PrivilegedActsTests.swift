// Contract section 4: the privileged acts in the C helper's order, each failure its exact line,
// and nothing after a failure; over recorded calls, so without root.
import BridgePolicy
import CBridgeShim
import Glibc
import Testing

@testable import BridgeSystem

private let aclFile = Array("/etc/qemu/bridge.conf".utf8)

private func allowed(_ options: RuleOptions = RuleOptions()) -> Decision {
    .allowed(
        by: ACLRule(
            action: .allow, target: .bridge(Array("br0".utf8)), location: SourceLocation(file: aclFile, line: 1),
            options: options))
}

private func run(
    _ calls: RecordingCalls, decision: Decision = allowed(), vnetHeader: Bool = true,
    bridge: BridgeNames = BridgeNames(requested: Array("br0".utf8), kernelName: Array("br0".utf8)), queues: Int = 1
) -> HandoverFailure? {
    let acts = PrivilegedActs(
        bridge: BridgeAttachment(calls: calls, bridge: bridge), decision: decision,
        caller: CallerIdentity(uid: 1000, gid: 100), vnetHeader: vnetHeader, queues: queues)
    do { try acts.run(to: .helperSocket(5)) } catch { return error }
    return nil
}

private let denied = "Operation not permitted"
private let tunHint = "the kernel refused: this process lacks CAP_NET_ADMIN in this network namespace"

/// Every call of a request with `vlan=10 isolated`, in order, and the contract's line when
/// that call fails with EPERM (nil: the failure is not one; hints after `|`).
private let callsWithPortSettings: [(call: String, line: String?)] = [
    ("mtu br0", "failed to get mtu of bridge `br0': \(denied)"),
    ("driver br0", "interface `br0' is not a bridge (ethtool: \(denied)); nothing was created"),
    ("openNetlink", "failed to open netlink socket: \(denied)"),
    ("index br0", "failed to get the index of bridge `br0': \(denied)"),
    ("vlanSettings 7 netlink", "failed to read the VLAN settings of bridge `br0': \(denied)"),
    ("openTun", "failed to open /dev/net/tun: \(denied)|\(tunHint)"),
    ("features", nil),
    ("createTap IFF_TAP|IFF_NO_PI|IFF_VNET_HDR", "failed to create tun device: \(denied)|\(tunHint)"),
    ("setOwner 1000", "failed to set the owner of device `tap0': \(denied)"),
    ("setGroup 100", "failed to set the owner of device `tap0': \(denied)"),
    ("setMTU tap0 1400", "failed to set mtu of device `tap0' to 1400: \(denied)"),
    ("hardwareAddress tap0", "failed to get MAC address of device `tap0': \(denied)"),
    ("setHardwareAddress tap0 fe:11:22:33:44:55", "failed to set MAC address of device `tap0': \(denied)"),
    ("index tap0", "failed to get the index of interface `tap0': \(denied)"),
    ("setAlias 8 swift-bridge-helper uid=1000", "failed to mark interface `tap0' as uid 1000's: \(denied)"),
    ("addInterface 8 br0", "failed to add interface `tap0' to bridge `br0': \(denied)"),
    ("setPortVLAN 10 8", "failed to put interface `tap0' in VLAN 10 of bridge `br0': \(denied)"),
    ("removePortVLAN 1 8", "failed to remove VLAN 1 from interface `tap0': \(denied)"),
    ("isolatePort 8", "failed to isolate interface `tap0' on bridge `br0': \(denied)"),
    ("flags tap0", "failed to get interface flags for `tap0': \(denied)"),
    ("setFlags tap0 0x1003", "failed to bring up interface `tap0': \(denied)"),
    (
        "audit allowed by /etc/qemu/bridge.conf:1 tap=tap0 vlan=10 isolated",
        "failed to write the audit line to /dev/log: \(denied)|every request is audited before it is granted"
    ),
    ("send tun over 5", "failed to write fd to unix socket: \(denied)"),
]

private let portOptions = RuleOptions(vlan: 10, isolated: true)

private func rendered(_ failure: HelperFailure) -> String {
    ([failure.message] + failure.hints).map(\.description).joined(separator: "|")
}

@Suite struct PrivilegedActsOrder {
    @Test func theCHelpersOrderWithoutRuleOptions() {
        let calls = RecordingCalls()
        #expect(run(calls) == nil)
        #expect(
            calls.log == [
                "mtu br0", "driver br0", "openNetlink", "openTun", "features",
                "createTap IFF_TAP|IFF_NO_PI|IFF_VNET_HDR", "setOwner 1000", "setGroup 100", "setMTU tap0 1400",
                "hardwareAddress tap0", "setHardwareAddress tap0 fe:11:22:33:44:55", "index tap0",
                "setAlias 8 swift-bridge-helper uid=1000", "addInterface 8 br0", "close netlink", "flags tap0",
                "setFlags tap0 0x1003", "audit allowed by /etc/qemu/bridge.conf:1 tap=tap0", "send tun over 5",
                "close tun",
            ])
    }

    /// The port is in its VLAN and isolated before it is up, and its netlink socket is closed then.
    @Test func portSettingsBetweenTheBridgeAndUp() {
        let calls = RecordingCalls()
        #expect(run(calls, decision: allowed(portOptions)) == nil)
        var expected = callsWithPortSettings.map(\.call)
        expected.insert("close netlink", at: expected.firstIndex(of: "flags tap0")!)
        #expect(calls.log == expected + ["close tun"])
    }

    @Test(arguments: callsWithPortSettings.indices.filter { callsWithPortSettings[$0].line != nil })
    func aFailingCallGivesItsLineAndNothingAfterItRuns(position: Int) throws {
        let calls = RecordingCalls()
        calls.failing = position
        let failure = try #require(run(calls, decision: allowed(portOptions)))
        #expect(rendered(failure.failure) == callsWithPortSettings[position].line)
        #expect(calls.calls == callsWithPortSettings[...position].map(\.call))
        let outcome =
            callsWithPortSettings[position].call.hasPrefix("send")
            ? "tap=tap0 not handed over: \(failure.failure.message)"
            : "allowed by /etc/qemu/bridge.conf:1, failed: \(failure.failure.message)"
        #expect(failure.outcome.description == outcome)
        // Closed on every path: whatever was opened, and nothing twice.
        let opened =
            calls.calls.filter { $0 == "openNetlink" || $0 == "openTun" }.count
            - (["openNetlink", "openTun"].contains(calls.calls.last!) ? 1 : 0)
        #expect(calls.log.filter { $0.hasPrefix("close ") }.count == opened)
    }

    @Test func noVnetHeaderUnlessAskedAndOffered() {
        for (asked, offered) in [(false, true), (true, false), (false, false)] {
            let calls = RecordingCalls()
            calls.offersVnetHeader = offered
            #expect(run(calls, vnetHeader: asked) == nil)
            #expect(calls.log.contains("createTap IFF_TAP|IFF_NO_PI"))
        }
    }

    /// As the C helper does when TUNGETFEATURES fails, the tap is made; unlike it, without a vnet header.
    @Test func failedFeaturesMeanNoVnetHeader() {
        let calls = RecordingCalls()
        calls.failing = 4
        #expect(run(calls) == nil)
        #expect(calls.calls[4] == "features" && calls.calls[5] == "createTap IFF_TAP|IFF_NO_PI")
    }
}

@Suite struct PrivilegedActsChecks {
    @Test func aMissingBridgeSaysSo() throws {
        let calls = RecordingCalls()
        calls.failing = 0
        calls.errno = ENODEV
        let failure = try #require(run(calls))
        #expect(
            rendered(failure.failure)
                == "failed to get mtu of bridge `br0': No such device|there is no interface `br0' in this network namespace"
        )
        #expect(calls.log == ["mtu br0"])
    }

    @Test func anInterfaceThatIsNotABridgeGetsNoTap() throws {
        let calls = RecordingCalls()
        calls.driverName = "dummy"
        let failure = try #require(run(calls))
        #expect(
            rendered(failure.failure) == "interface `br0' is not a bridge (its driver is `dummy'); nothing was created")
        #expect(calls.log == ["mtu br0", "driver br0"])
    }

    @Test func aVLANNeedsVLANFilteringBeforeAnyTap() throws {
        let calls = RecordingCalls()
        calls.vlan.filtering = false
        let failure = try #require(run(calls, decision: allowed(RuleOptions(vlan: 10))))
        #expect(
            rendered(failure.failure)
                == "bridge `br0' does not have vlan_filtering enabled (needed by the rule at /etc/qemu/bridge.conf:1)|enable it with: ip link set br0 type bridge vlan_filtering 1|nothing was created"
        )
        #expect(
            calls.log == [
                "mtu br0", "driver br0", "openNetlink", "index br0", "vlanSettings 7 netlink", "close netlink",
            ])
    }

    @Test func thePortKeepsTheDefaultVLANWhenItIsTheRulesOwn() {
        let calls = RecordingCalls()
        calls.vlan.defaultPVID = 10
        #expect(run(calls, decision: allowed(RuleOptions(vlan: 10))) == nil)
        #expect(calls.log.contains("setPortVLAN 10 8") && !calls.log.contains { $0.hasPrefix("removePortVLAN") })
        #expect(!calls.log.contains { $0.hasPrefix("isolatePort") })
    }

    /// `--br=storage0`, an altname of br-secure: the acts use the kernel's name, the
    /// messages the caller's.
    @Test func actsOnTheKernelsNameAndSpeaksTheCallers() throws {
        let calls = RecordingCalls()
        calls.failing = 13  // addInterface
        let names = BridgeNames(requested: Array("storage0".utf8), kernelName: Array("br-secure".utf8))
        let failure = try #require(run(calls, bridge: names))
        #expect(calls.calls.first == "mtu br-secure" && calls.calls.last == "addInterface 8 br-secure")
        #expect(failure.failure.message == "failed to add interface `tap0' to bridge `storage0': \(denied)")
    }
}

/// The broker's multiqueue taps: IFF_MULTI_QUEUE, every further queue attached by name once
/// the tap has its MAC (udev's own MAC may win if it comes first), all fds sent together, the
/// count in the audit line.
@Suite struct MultiQueueActs {
    static let flags = UInt16(bitPattern: sbh_IFF_TAP | sbh_IFF_NO_PI | sbh_IFF_VNET_HDR | sbh_IFF_MULTI_QUEUE)
    static let attach = "attachQueue tap0 0x\(String(flags, radix: 16))"

    @Test func fourQueuesAreAttachedAfterTheMACAndSentTogether() {
        let calls = RecordingCalls()
        #expect(run(calls, queues: 4) == nil)
        #expect(
            Array(calls.log.prefix(16)) == [
                "mtu br0", "driver br0", "openNetlink", "openTun", "features",
                "createTap IFF_TAP|IFF_NO_PI|IFF_VNET_HDR|IFF_MULTI_QUEUE", "setOwner 1000", "setGroup 100",
                "setMTU tap0 1400", "hardwareAddress tap0", "setHardwareAddress tap0 fe:11:22:33:44:55",
                "openTun", Self.attach, "openTun", Self.attach, "openTun",
            ])
        #expect(calls.log.contains("audit allowed by /etc/qemu/bridge.conf:1 tap=tap0 queues=4"))
        #expect(calls.log.contains("send tun,tun,tun,tun over 5"))
        #expect(calls.log.filter { $0 == "close tun" }.count == 4)
    }

    /// A queue that cannot be attached: its line, and every queue opened so far closed (no tap left).
    @Test func aFailedQueueClosesEveryQueue() throws {
        let calls = RecordingCalls()
        calls.failing = 14  // the second attachQueue
        let failure = try #require(run(calls, queues: 4))
        #expect(calls.calls.last == Self.attach)
        #expect(failure.failure.message == "failed to attach queue 3 of 4 to device `tap0': \(denied)")
        #expect(calls.log.filter { $0 == "close tun" }.count == 3)
        #expect(!calls.log.contains { $0.hasPrefix("send") || $0.hasPrefix("audit") || $0.hasPrefix("addInterface") })
    }

    @Test func aKernelWithoutMultiQueueIsRefusedBeforeATapIsMade() throws {
        let calls = RecordingCalls()
        calls.offersMultiQueue = false
        let failure = try #require(run(calls, queues: 2))
        #expect(failure.failure.message.description.contains("IFF_MULTI_QUEUE"))
        #expect(!calls.log.contains { $0.hasPrefix("createTap") })
        #expect(calls.log.filter { $0 == "close tun" }.count == 1)
    }
}
