import BridgePolicy
import BridgeSystem
import Foundation
import Testing

@testable import BridgeOperator

/// `who` and `explain`'s quota over a given interface table: no root, no kernel.
struct WhoReportTests {
    static func link(
        _ index: Int32, _ name: String, master: Int32? = nil, alias: String = "", tun: TunFacts? = nil
    ) -> LinkEntry {
        LinkEntry(index: index, name: Array(name.utf8), master: master, alias: Array(alias.utf8), tun: tun)
    }

    static func tap(owner: UInt32?, persistent: Bool = false) -> TunFacts {
        TunFacts(owner: owner, group: nil, isTap: true, persistent: persistent)
    }

    /// br0 with: tap0 the helper made for 1000 and QEMU holds; tap1 made for 1000, re-owned
    /// to 0 by its holder, then made persistent and left; tapX from `ip tuntap` for 65534.
    /// eth0 is no tun and br1 has a tap of uid 1000 too.
    static let table = LinkTable(links: [
        link(1, "eth0"),
        link(2, "br0"),
        link(3, "tap0", master: 2, alias: "swift-bridge-helper uid=1000", tun: tap(owner: 1000)),
        link(4, "tap1", master: 2, alias: "swift-bridge-helper uid=1000", tun: tap(owner: 0, persistent: true)),
        link(5, "tapX", master: 2, tun: tap(owner: 65534, persistent: true)),
        link(6, "br1"),
        link(7, "tap2", master: 6, alias: "swift-bridge-helper uid=1000", tun: tap(owner: 1000)),
        // Not a tun: an alias alone is no mark.
        link(8, "veth0", master: 2, alias: "swift-bridge-helper uid=1000"),
    ])

    static let holders = TunHolders(
        byInterface: [
            "tap0": [TapHolder(pid: 4242, command: "qemu-system-x86_64 -netdev bridge,br=br0,id=n0")],
            "tap2": [TapHolder(pid: 4343, command: "")],
        ], complete: true)

    static let names: [UInt32: String] = [0: "root", 1000: "alice"]

    static func report(bridge: String? = "br0", complete: Bool = true) -> WhoReport {
        var holders = Self.holders
        holders.complete = complete
        return WhoReport(
            inventory: TapInventory.inventory(of: table, holders: holders), bridge: bridge, userNames: names)
    }

    @Test func inventoryTakesTunDevicesFromTheTable() {
        let inventory = TapInventory.inventory(of: Self.table, holders: Self.holders)
        #expect(inventory.taps.map(\.name) == ["tap0", "tap1", "tapX", "tap2"])
        #expect(inventory.taps.map(\.master) == ["br0", "br0", "br0", "br1"])
        #expect(inventory.taps.map(\.markedUID) == [1000, 1000, nil, 1000])
        #expect(inventory.taps.map(\.ownerChanged) == [false, true, false, false])
        #expect(inventory.taps.map(\.isOrphan) == [false, true, true, false])
        #expect(inventory.taps[0].holders.map(\.pid) == [4242])
        #expect(inventory.interfaces.contains("br1") && inventory.interfaces.contains("eth0"))
        #expect(WhoReport(inventory: inventory, bridge: "br1", userNames: [:]).taps.map(\.name) == ["tap2"])
        #expect(WhoReport(inventory: inventory, bridge: nil, userNames: [:]).taps.count == 4)
    }

    @Test func humanReportNamesOwnersHoldersAndOrphans() {
        let text = HumanReport.who(Self.report(), style: TerminalText(usesColour: false))
        #expect(
            text == """
                br0 tap0: made for uid 1000 (alice)
                  held by pid 4242: qemu-system-x86_64 -netdev bridge,br=br0,id=n0
                br0 tap1: made for uid 1000 (alice); tun owner now uid 0 (root): changed by a holder of its fd
                  persistent and held by no process: an orphan; remove it with: ip link delete tap1
                br0 tapX: not made by swift-bridge-helper (tun owner uid 65534)
                  persistent and held by no process: an orphan; remove it with: ip link delete tapX
                3 tap(s) on br0, 2 orphan(s)

                """)
    }

    @Test func humanReportSaysWhatItCouldNotSee() {
        let text = HumanReport.who(Self.report(bridge: "br1", complete: false), style: TerminalText(usesColour: false))
        #expect(text.contains("br1 tap2: made for uid 1000 (alice)\n  held by pid 4343: ?\n"))
        #expect(
            text.hasSuffix("not root: other users' processes could not be inspected, so their holders are not shown\n"))
        let orphan = HumanReport.who(Self.report(complete: false), style: TerminalText(usesColour: false))
        #expect(
            orphan.contains("held by no process we could inspect: an orphan unless another user's process holds it"))
    }

    @Test func jsonReportParses() throws {
        let json = JSONReport.encode(JSONReport.who(Self.report()))
        let decoded = try JSONDecoder().decode(JSONReport.Who.self, from: Data(json.utf8))
        #expect(decoded.bridge == "br0" && decoded.holders_complete && decoded.orphans == 2)
        #expect(decoded.taps.map(\.name) == ["tap0", "tap1", "tapX"])
        #expect(decoded.taps[0].made_for == JSONReport.Account(uid: 1000, name: "alice"))
        #expect(
            decoded.taps[0].holders == [
                JSONReport.Holder(pid: 4242, command: "qemu-system-x86_64 -netdev bridge,br=br0,id=n0")
            ])
        #expect(decoded.taps[0].remove == nil && !decoded.taps[0].orphan)
        #expect(decoded.taps[1].tun_owner == JSONReport.Account(uid: 0, name: "root") && decoded.taps[1].owner_changed)
        #expect(decoded.taps[1].remove == "ip link delete tap1" && decoded.taps[1].persistent)
        #expect(
            decoded.taps[2].made_for == nil && decoded.taps[2].tun_owner == JSONReport.Account(uid: 65534, name: nil))
    }

    @Test func commandLineFromProc() {
        #expect(TunHolders.commandLine("qemu-system-x86_64\0-m\0512\0") == "qemu-system-x86_64 -m 512")
        #expect(TunHolders.commandLine("a\0\0b\0") == "a  b")
        #expect(TunHolders.commandLine("") == "")
    }

    @Test func userNamesComeFromThePasswdParser() {
        let files = MemoryFiles(files: [
            "/etc/passwd":
                "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nalias:x:1000:1000::/:/bin/sh\n",
            "/etc/group": "",
        ])
        let names = WhoReport.userNames(accounts: AccountFileDatabase(source: files))
        #expect(names == [0: "root", 1000: "alice"])
    }

    // explain: a rule with max=N shows the count the helper takes, and its refusal when used up.

    static func explain(
        _ acl: String, bridge: String = "br0", uid: UInt32 = 1000, links: LinkTable = table
    )
        -> Explanation
    {
        Explanation(
            bridge: Array(bridge.utf8), file: Array("/acl".utf8), source: MemoryFiles(files: ["/acl": acl]),
            otherNames: { _ in [] }, caller: { CallerIdentity(uid: uid, gid: uid) }, links: { .success(links) })
    }

    @Test func explainCountsTheCallersTapsOnTheBridge() {
        let explanation = Self.explain("require options\nallow br0 max=3\n")
        #expect(explanation.isAllowed)
        #expect(explanation.quota?.held == 2 && explanation.quota?.remaining == 1)
        #expect(explanation.helperStderr.isEmpty)
        let human = HumanReport.explain(
            explanation, user: UserIdentity(name: "alice", uid: 1000, gid: 1000, groups: []),
            style: TerminalText(usesColour: false))
        #expect(human.contains("quota:    uid 1000 holds 2 of max=3 on `br0' (rule at /acl:2): 1 more may start\n"))
        // Another user's count is their own.
        #expect(Self.explain("require options\nallow br0 max=3\n", uid: 1001).quota?.held == 0)
        // No max=: no quota.
        #expect(Self.explain("allow br0\n").quota == nil)
    }

    @Test func explainPredictsTheHelpersQuotaRefusal() throws {
        let explanation = Self.explain("require options\nallow br0 max=2\n")
        #expect(!explanation.isAllowed)
        let quota = try #require(explanation.quota)
        #expect(quota.isUsedUp && quota.remaining == 0)
        let (message, hints) = quota.quota.refusal(uid: 1000, bridge: Array("br0".utf8), held: 2, countingNew: false)
        #expect(explanation.helperStderr == HelperStderr.failed(message, hints: hints))
        #expect(
            explanation.helperStderr.map(\.description) == [
                "access denied: uid 1000 already holds 2 taps on bridge `br0', and the rule at /acl:2 allows 2 (max=2)",
                "  nothing was created",
            ])
        #expect(explanation.outcome.description == "denied by /acl:2 (max=2): uid 1000 holds 2")
        let json = JSONReport.encode(
            JSONReport.explain(explanation, user: UserIdentity(name: "alice", uid: 1000, gid: 1000, groups: [])))
        #expect(json.contains(#""quota":{"held":2,"max":2,"remaining":0,"rule":{"#))
        #expect(json.contains(#""used_up":true"#))
    }

    @Test func explainSaysWhenItCannotCount() {
        let missing = Self.explain("require options\nallow br9 max=2\n", bridge: "br9")
        #expect(missing.quota?.held == nil && missing.isAllowed)
        #expect(missing.quota?.problem?.description.contains("no interface `br9'") == true)
        let failed = Explanation(
            bridge: Array("br0".utf8), file: Array("/acl".utf8),
            source: MemoryFiles(files: ["/acl": "require options\nallow br0 max=1\n"]), otherNames: { _ in [] },
            caller: { CallerIdentity(uid: 1000, gid: 1000) },
            links: { .failure(SystemError(call: "netlink", errno: 5)) })
        #expect(failed.quota?.problem?.description == "cannot count the taps: netlink: Input/output error")
    }
}
