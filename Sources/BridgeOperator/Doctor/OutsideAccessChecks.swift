@preconcurrency import Glibc

/// "My guest has no outside access": forwarding, br_netfilter, the FORWARD chain, NAT.
/// All of it is read in this process's network namespace.
/// The netfilter rules are root's only (nfnetlink wants CAP_NET_ADMIN even to list them):
/// an ordinary user is told they are unknown and how to see them.
struct OutsideAccessChecks {
    let bridge: String?
    let facts: BridgeFacts?
    var firewall = Firewall.read()
    var isRoot = geteuid() == 0

    var bridgeName: String { bridge ?? "BR" }

    func findings() -> [DoctorFinding] {
        [forwarding(), brNetfilter(), forwardPolicy(), masquerade()]
    }

    func forwarding() -> DoctorFinding {
        switch FileFacts.firstLine("/proc/sys/net/ipv4/ip_forward") {
        case "1":
            return DoctorFinding("outside.ip_forward", .ok, "IPv4 forwarding is on")
        case "0":
            return DoctorFinding(
                "outside.ip_forward", .warn,
                "IPv4 forwarding is off: guests on a routed (NAT) bridge cannot reach outside; a bridge with a physical port does not need it",
                fix: "sysctl -w net.ipv4.ip_forward=1   # persist in /etc/sysctl.d/")
        default:
            return DoctorFinding(
                "outside.ip_forward", .info, "IPv4 forwarding: unknown (/proc/sys/net/ipv4/ip_forward unreadable)")
        }
    }

    /// With br_netfilter and bridge-nf-call-iptables=1, even frames between two guests on
    /// the same bridge go through iptables FORWARD.
    var bridgedThroughIptables: Bool {
        FileFacts.firstLine("/proc/sys/net/bridge/bridge-nf-call-iptables") == "1"
    }

    func brNetfilter() -> DoctorFinding {
        guard FileFacts.status("/proc/sys/net/bridge") != nil else {
            return DoctorFinding(
                "outside.br_netfilter", .ok, "br_netfilter is not loaded: bridged frames do not pass through iptables")
        }
        if bridgedThroughIptables {
            return DoctorFinding(
                "outside.br_netfilter", .info,
                "br_netfilter is loaded and bridge-nf-call-iptables=1: bridged frames pass through the FORWARD chain")
        }
        return DoctorFinding("outside.br_netfilter", .ok, "br_netfilter is loaded, bridge-nf-call-iptables=0")
    }

    /// Why the rules could not be read, and the step that reads them.
    func unknownFirewall(_ check: String, _ what: String) -> DoctorFinding {
        guard isRoot else {
            return DoctorFinding(
                check, .info, "\(what): unknown without root (the firewall rules are readable by root only)",
                fix: "sudo swift-bridge-helperctl doctor \(bridge ?? "")".trimmingBlanks())
        }
        return DoctorFinding(
            check, .info, "\(what): unknown (neither iptables nor nft could list the rules)",
            fix: "apt install iptables   # or nftables")
    }

    func forwardPolicy() -> DoctorFinding {
        guard let firewall else { return unknownFirewall("outside.forward_policy", "FORWARD chain") }
        guard firewall.forwardDrops else {
            return DoctorFinding(
                "outside.forward_policy", .ok, "the FORWARD chain accepts by default (\(firewall.tool))")
        }
        if firewall.acceptsForwarding(from: bridgeName) {
            return DoctorFinding(
                "outside.forward_policy", .ok,
                "the FORWARD policy is DROP, with ACCEPT rules for \(bridgeName) (\(firewall.tool))")
        }
        let fix =
            "iptables -I FORWARD -i \(bridgeName) -j ACCEPT && iptables -I FORWARD -o \(bridgeName) -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
        // NetworkManager's shared mode routes this bridge's guests through the host: the drop
        // certainly hits them (its own table's accept does not undo another table's drop).
        if let bridge, firewall.hasNetworkManagerNAT(for: bridge) {
            return DoctorFinding(
                "outside.forward_policy", .fail,
                "the FORWARD policy is DROP (\(firewall.tool); Docker sets this) and no rule accepts \(bridge): its guests, routed by NetworkManager's shared mode (\(Firewall.networkManagerTable(bridge))), cannot reach outside",
                fix: fix)
        }
        let scope =
            bridgedThroughIptables
            ? "routed traffic and, with br_netfilter, even traffic between guests on the bridge"
            : "routed guest traffic"
        return DoctorFinding(
            "outside.forward_policy", .warn,
            "the FORWARD policy is DROP (\(firewall.tool); Docker sets this): \(scope) is dropped", fix: fix)
    }

    func masquerade() -> DoctorFinding {
        guard let firewall else { return unknownFirewall("outside.masquerade", "NAT") }
        if firewall.masquerades {
            return DoctorFinding("outside.masquerade", .ok, "a MASQUERADE (NAT) rule is present (\(firewall.tool))")
        }
        if firewall.hasNetworkManagerNAT(for: bridgeName) {
            return DoctorFinding(
                "outside.masquerade", .ok,
                "NetworkManager's shared-mode NAT for \(bridgeName) is present (nftables table \(Firewall.networkManagerTable(bridgeName)))"
            )
        }
        let subnet = facts?.ipv4.first.map(Self.network) ?? "GUEST_SUBNET"
        return DoctorFinding(
            "outside.masquerade", .warn,
            "no MASQUERADE rule: guests on a private subnet reach outside only if the upstream router knows their subnet",
            fix: "iptables -t nat -A POSTROUTING -s \(subnet) ! -o \(bridgeName) -j MASQUERADE")
    }

    /// `10.0.2.1/24` -> `10.0.2.0/24`.
    static func network(_ cidr: String) -> String {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]) else { return cidr }
        let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4 else { return cidr }
        let address = octets.reduce(0) { $0 << 8 | $1 }
        let mask: UInt32 = prefix == 0 ? 0 : ~0 << UInt32(32 - prefix)
        let network = address & mask
        return "\(network >> 24).\(network >> 16 & 255).\(network >> 8 & 255).\(network & 255)/\(prefix)"
    }
}

/// The filter and NAT rules as iptables (`-S`) or nft (`list ruleset`) print them.
/// NAT is read from both: NetworkManager's shared mode writes its masquerade to a native
/// nftables table (`nm-shared-BRIDGE`) that iptables, even iptables-nft, does not list.
struct Firewall {
    var tool: String
    var forwardDrops: Bool
    var forwardRules: [String]
    var masquerades: Bool
    /// nftables table names (`nm-shared-brnm0`); empty when nft is absent or not allowed.
    var nftTables: [String] = []

    func acceptsForwarding(from bridge: String) -> Bool {
        forwardRules.contains { $0.contains("-i \(bridge) ") && $0.hasSuffix("-j ACCEPT") }
            || forwardRules.contains { $0.contains("iifname \"\(bridge)\"") && $0.contains("accept") }
    }

    static func networkManagerTable(_ bridge: String) -> String { "nm-shared-\(bridge)" }

    /// NetworkManager's `ipv4.method shared` on this bridge: its table holds the NAT.
    func hasNetworkManagerNAT(for bridge: String) -> Bool {
        nftTables.contains(Self.networkManagerTable(bridge))
    }

    static func read() -> Firewall? {
        let nft = ExternalCommand("nft", ["list", "ruleset"])?.run().flatMap {
            $0.status == 0 ? parseNft($0.standardOutput) : nil
        }
        if let forward = ExternalCommand("iptables", ["-w", "2", "-S", "FORWARD"])?.run(), forward.status == 0,
            let nat = ExternalCommand("iptables", ["-w", "2", "-t", "nat", "-S", "POSTROUTING"])?.run()
        {
            let rules = forward.standardOutput.split(separator: "\n").map(String.init)
            var firewall = Firewall(
                tool: "iptables", forwardDrops: rules.contains("-P FORWARD DROP"),
                forwardRules: rules, masquerades: nat.standardOutput.contains("MASQUERADE"))
            if let nft { firewall.addNAT(from: nft) }
            return firewall
        }
        return nft
    }

    /// The forward verdict stays iptables' (as before); NAT from either tool counts.
    mutating func addNAT(from nft: Firewall) {
        if !masquerades && nft.masquerades { tool += ", nft" }
        masquerades = masquerades || nft.masquerades
        nftTables = nft.nftTables
    }

    /// A chain is a forward chain that drops when its `type filter hook forward` line
    /// says `policy drop`; a table starts `table FAMILY NAME {`.
    static func parseNft(_ text: String) -> Firewall {
        let lines = text.split(separator: "\n").map { String($0).trimmingBlanks() }
        let drops = lines.contains { $0.contains("hook forward") && $0.contains("policy drop") }
        let tables = lines.compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.count >= 3 && words[0] == "table" ? String(words[2]) : nil
        }
        return Firewall(
            tool: "nft", forwardDrops: drops, forwardRules: lines,
            masquerades: lines.contains { $0.contains("masquerade") }, nftTables: tables)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (nft indents its output).
    func trimmingBlanks() -> String {
        func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }
        return String(drop(while: isBlank).reversed().drop(while: isBlank).reversed())
    }
}
