import Testing

@testable import BridgeOperator

/// doctor's FORWARD-policy finding on a Debian 12 host: iptables-nft's `filter` table beside
/// NetworkManager's `nm-shared-BRIDGE` nftables table.
struct ForwardPolicyTests {
    /// `iptables -P FORWARD DROP` on iptables-nft, NetworkManager sharing brnm0.
    static func dropped(_ rules: [String] = []) -> Firewall {
        var firewall = Firewall(
            tool: "iptables", forwardDrops: true, forwardRules: ["-P FORWARD DROP"] + rules, masquerades: false)
        firewall.addNAT(from: Firewall.parseNft(DoctorParsingTests.networkManagerShared))
        return firewall
    }

    @Test func dropOnASharedBridgeFails() {
        let finding = OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: Self.dropped()).forwardPolicy()
        #expect(finding.status == .fail)
        #expect(finding.message.contains("no rule accepts brnm0") && finding.message.contains("nm-shared-brnm0"))
        #expect(finding.fix?.hasPrefix("iptables -I FORWARD -i brnm0 -j ACCEPT") == true)
    }

    @Test func dropElsewhereOnlyWarns() {
        // br0 is not NetworkManager's: it may be bridged to a physical port, where FORWARD never sees its frames.
        let finding = OutsideAccessChecks(bridge: "br0", facts: nil, firewall: Self.dropped()).forwardPolicy()
        #expect(finding.status == .warn && finding.fix?.contains("-i br0 -j ACCEPT") == true)
        #expect(OutsideAccessChecks(bridge: nil, facts: nil, firewall: Self.dropped()).forwardPolicy().status == .warn)
    }

    @Test func acceptRuleForTheBridgeIsHealthy() {
        let firewall = Self.dropped(["-A FORWARD -i brnm0 -j ACCEPT"])
        #expect(OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: firewall).forwardPolicy().status == .ok)
        var accepting = Self.dropped()
        accepting.forwardDrops = false
        #expect(OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: accepting).forwardPolicy().status == .ok)
    }

    @Test func unreadableRulesAreUnknownAndSayHowToSeeThem() {
        let user = OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: nil, isRoot: false)
        for finding in [user.forwardPolicy(), user.masquerade()] {
            #expect(finding.status == .info && finding.message.contains("unknown without root"))
            #expect(finding.fix == "sudo swift-bridge-helperctl doctor brnm0")
        }
        #expect(
            OutsideAccessChecks(bridge: nil, facts: nil, firewall: nil, isRoot: false).forwardPolicy().fix
                == "sudo swift-bridge-helperctl doctor")
        let root = OutsideAccessChecks(bridge: "brnm0", facts: nil, firewall: nil, isRoot: true).forwardPolicy()
        #expect(
            root.status == .info && !root.message.contains("without root") && root.fix?.contains("iptables") == true)
    }
}
