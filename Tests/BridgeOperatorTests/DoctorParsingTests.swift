import BridgePolicy
import BridgeSystem
import Testing

@testable import BridgeOperator

struct DoctorParsingTests {
    @Test func fileCapabilityRevision2WithNetAdmin() {
        // setcap cap_net_admin+ep: magic 0x02000001, permitted word 0 = 1 << 12.
        let bytes: [UInt8] = [0x01, 0, 0, 0x02, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(FileCapability.parse(bytes) == FileCapability(permitted: 1 << 12, effective: true))
        #expect(FileCapability.parse(bytes)?.hasNetAdmin == true)
    }

    @Test func fileCapabilityWithoutNetAdmin() {
        let bytes: [UInt8] = [0x00, 0, 0, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(FileCapability.parse(bytes)?.hasNetAdmin == false)
        #expect(FileCapability.parse([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) == nil)
    }

    @Test func nftForwardDropAndMasquerade() {
        let ruleset = """
            table inet filter {
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy drop;
            \t\tiifname "br0" accept
            \t}
            }
            table ip nat {
            \tchain postrouting {
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t\toifname "eth0" masquerade
            \t}
            }
            """
        let firewall = Firewall.parseNft(ruleset)
        #expect(firewall.forwardDrops)
        #expect(firewall.masquerades)
        #expect(firewall.acceptsForwarding(from: "br0"))
        #expect(!firewall.acceptsForwarding(from: "br1"))
    }

    /// NetworkManager's `ipv4.method shared` on brnm0, as `nft list ruleset` prints it.
    static let networkManagerShared = """
        table ip nm-shared-brnm0 {
        \tchain nat_postrouting {
        \t\ttype nat hook postrouting priority srcnat; policy accept;
        \t\tip saddr 10.42.0.0/24 ip daddr != 10.42.0.0/24 masquerade
        \t}
        \tchain filter_forward {
        \t\ttype filter hook forward priority filter; policy accept;
        \t\tip daddr 10.42.0.0/24 oifname "brnm0" ct state { established, related } accept
        \t\tip saddr 10.42.0.0/24 iifname "brnm0" accept
        \t}
        }
        """

    @Test func nftNetworkManagerSharedTableIsNAT() {
        let firewall = Firewall.parseNft(Self.networkManagerShared)
        #expect(firewall.nftTables == ["nm-shared-brnm0"])
        #expect(firewall.masquerades)
        #expect(firewall.hasNetworkManagerNAT(for: "brnm0"))
        #expect(!firewall.hasNetworkManagerNAT(for: "br0"))
        #expect(!firewall.forwardDrops)
    }

    @Test func iptablesWithoutMasqueradeTakesNATFromNft() {
        // iptables-nft lists only its own tables: NetworkManager's is seen through nft.
        var firewall = Firewall(tool: "iptables", forwardDrops: false, forwardRules: [], masquerades: false)
        firewall.addNAT(from: Firewall.parseNft(Self.networkManagerShared))
        #expect(firewall.masquerades)
        #expect(firewall.tool == "iptables, nft")
        #expect(!firewall.forwardDrops)
        let checks = OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: firewall)
        #expect(checks.masquerade().status == .ok)
        let unrelated = Firewall.parseNft("table inet filter {\n\tchain input {\n\t}\n}\n")
        #expect(unrelated.nftTables == ["filter"] && !unrelated.masquerades)
    }

    @Test func nmSharedTableAloneCountsForItsBridge() {
        let table = Firewall.parseNft("table ip nm-shared-brnm0 {\n}\n")
        let checks = OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: table)
        #expect(checks.masquerade().status == .ok)
        #expect(OutsideAccessChecks(bridge: "br0", facts: nil, firewall: table).masquerade().status == .warn)
        #expect(OutsideAccessChecks(bridge: "br0", facts: nil, firewall: nil).masquerade().status == .info)
    }

    @Test func appArmorEnabledButProfilesUnreadable() {
        let user = AppArmorChecks(profilesPath: "/p", enabledPath: "/e", isRoot: false)
        let unknown = user.findings(profiles: nil, enabled: "Y")
        #expect(unknown.map(\.status) == [.info])
        #expect(
            unknown[0].message.contains("AppArmor is enabled") && unknown[0].message.contains("unknown without root"))
        #expect(user.findings(profiles: nil, enabled: nil)[0].message.hasPrefix("AppArmor is not active here"))
        #expect(user.findings(profiles: nil, enabled: "N")[0].message.hasPrefix("AppArmor is not active here"))
        let loaded = user.findings(profiles: "/usr/libexec/swift-bridge-helper (enforce)\n", enabled: "Y")
        #expect(loaded.map(\.status) == [.ok])
    }

    @Test func fdinfoNamesTheAttachedInterface() {
        let attached = "pos:\t0\nflags:\t02000002\nmnt_id:\t25\nino:\t1049\niff:\ttap0\n"
        #expect(TunHolders.interfaceName(fdinfo: attached) == "tap0")
        // Opened but never attached (no TUNSETIFF yet): no `iff:` line.
        #expect(TunHolders.interfaceName(fdinfo: "pos:\t0\nflags:\t02000002\n") == nil)
    }

    @Test func orphanIsPersistentAndUnheld() {
        let tap = TapDevice(name: "tap0", master: "br0", persistent: true, owner: 1000, group: nil, holders: [])
        #expect(tap.isOrphan)
        let held = [TapHolder(pid: 42, command: "qemu")]
        #expect(
            !TapDevice(name: "tap1", master: "br0", persistent: true, owner: nil, group: nil, holders: held).isOrphan)
        #expect(
            !TapDevice(name: "tap2", master: "br0", persistent: false, owner: nil, group: nil, holders: []).isOrphan)
        let inventory = Result<TapInventory, SystemError>.success(TapInventory(taps: [tap], holdersComplete: true))
        let checks = TapHolderChecks(bridge: "br0", inventory: inventory)
        let finding = checks.orphans(on: "br0")
        #expect(finding.status == .warn && finding.fix == "ip link delete tap0")
        #expect(
            TapHolderChecks(bridge: "br0", inventory: .success(TapInventory(taps: [tap], holdersComplete: false)))
                .orphans(
                    on: "br0"
                ).status == .info)
        #expect(checks.orphans(on: "br1").status == .ok)
    }

    @Test func subnetOfABridgeAddress() {
        #expect(OutsideAccessChecks.network("10.0.2.1/24") == "10.0.2.0/24")
        #expect(OutsideAccessChecks.network("192.168.100.77/30") == "192.168.100.76/30")
    }

    @Test func printableEscapesControlBytesAndBadUTF8() {
        #expect(TerminalText.printable(Array("a\u{1B}[31mb".utf8)) == "a\\x1b[31mb")
        #expect(TerminalText.printable([0x62, 0xff, 0x72]) == "b\\xffr")
        #expect(TerminalText.printable(Array("bré".utf8)) == "bré")
    }
}

struct AccountFilesTests {
    let accounts = AccountFileDatabase(
        source: MemoryFiles(files: [
            "/etc/passwd":
                "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
            "/etc/group": "root:x:0:\nnogroup:x:65534:\nqemunet:x:4242:alice,nobody\nother:x:5000:nobodyelse\n",
        ]))

    @Test func groupsAreThePrimaryAndEveryGroupListingTheUser() throws {
        let nobody = try UserIdentity.lookup("nobody", accounts: accounts)
        #expect(nobody == UserIdentity(name: "nobody", uid: 65534, gid: 65534, groups: [65534, 4242]))
        #expect(try UserIdentity.lookup("0", accounts: accounts).name == "root")
        #expect(throws: UserIdentity.Problem.self) { try UserIdentity.lookup("alice", accounts: accounts) }
    }
}
