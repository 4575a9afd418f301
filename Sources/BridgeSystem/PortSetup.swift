import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The port settings of the allow rule (`vlan=`, `isolated`), made over rtnetlink.
/// `prepare` runs before the tap exists and checks what it can (a VLAN needs a bridge with
/// vlan_filtering); `apply` runs after SIOCBRADDIF and before the tap is brought up, so no
/// frame ever crosses the port before it is in its VLAN and isolated.
public struct PortSetup {
    let settings: RuleOptions
    let rule: SourceLocation
    let bridge: BridgeAttachment
    let netlink: RouteNetlink
    /// The VLAN the kernel gives every new port of this bridge (normally 1), which the
    /// port must leave: it belongs to `settings.vlan` alone.
    let defaultPVID: UInt16

    /// nil when the rule asks for nothing beyond the C helper (no netlink socket is opened).
    public static func prepare(for decision: Decision, bridge: BridgeAttachment) throws(HelperFailure) -> PortSetup? {
        let settings = decision.portSettings
        guard settings.hasPortSettings, case .allowed(let rule) = decision else { return nil }
        let netlink: RouteNetlink
        do { netlink = try RouteNetlink.open() } catch { throw HelperFailure("failed to open netlink socket: \(error.text)") }
        var defaultPVID: UInt16 = 0
        if settings.vlan != nil {
            let vlan: (filtering: Bool, defaultPVID: UInt16)
            do { vlan = try bridgeVLANSettings(netlink, bridge) } catch {
                throw HelperFailure("failed to read the VLAN settings of bridge `\(bridge.bridge)': \(error.text)")
            }
            guard vlan.filtering else {
                throw HelperFailure(
                    "bridge `\(bridge.bridge)' does not have vlan_filtering enabled (needed by the rule at \(rule.location.message))",
                    hints: ["enable it with: ip link set \(bridge.bridge) type bridge vlan_filtering 1", "nothing was created"])
            }
            defaultPVID = vlan.defaultPVID
        }
        return PortSetup(settings: settings, rule: rule.location, bridge: bridge, netlink: netlink, defaultPVID: defaultPVID)
    }

    /// RTM_GETLINK of the bridge: IFLA_LINKINFO { IFLA_INFO_DATA { IFLA_BR_VLAN_FILTERING,
    /// IFLA_BR_VLAN_DEFAULT_PVID } }.
    static func bridgeVLANSettings(_ netlink: RouteNetlink, _ bridge: BridgeAttachment)
        throws(SystemError) -> (filtering: Bool, defaultPVID: UInt16)
    {
        let index = try bridge.control.index(of: bridge.bridge)
        let replies = try netlink.request(sbh_RTM_GETLINK, family: AF_UNSPEC, index: index)
        let headerSize = RouteNetlink.aligned(MemoryLayout<ifinfomsg>.size, to: sbh_NLMSG_ALIGNTO)
        guard let reply = replies.first, reply.count >= headerSize,
            let link = NetlinkAttribute.parse(reply.dropFirst(headerSize)),
            let info = link[sbh_IFLA_LINKINFO].flatMap(NetlinkAttribute.parse),
            let data = info[sbh_IFLA_INFO_DATA].flatMap(NetlinkAttribute.parse)
        else { throw SystemError(call: "netlink", errno: EIO) }
        let filtering = data[sbh_IFLA_BR_VLAN_FILTERING].map { $0.first == 1 } ?? false
        let pvid = data[sbh_IFLA_BR_VLAN_DEFAULT_PVID].flatMap { bytes in
            bytes.count >= 2 ? bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) } : nil
        } ?? 0
        return (filtering, pvid)
    }

    /// After SIOCBRADDIF, before the tap is up. Every step is acknowledged by the kernel.
    public func apply(to tap: [UInt8]) throws(HelperFailure) {
        let index: Int32
        do { index = try bridge.control.index(of: tap) } catch {
            throw HelperFailure("failed to set up the bridge port `\(tap)': \(error.text)")
        }
        if let vlan = settings.vlan {
            do { try changeVLAN(sbh_RTM_SETLINK, vlan, flags: sbh_BRIDGE_VLAN_INFO_PVID | sbh_BRIDGE_VLAN_INFO_UNTAGGED, of: index) } catch {
                throw HelperFailure("failed to put interface `\(tap)' in VLAN \(Int(vlan)) of bridge `\(bridge.bridge)': \(error.text)")
            }
            if defaultPVID != 0 && defaultPVID != vlan {
                do { try changeVLAN(sbh_RTM_DELLINK, defaultPVID, flags: 0, of: index) } catch {
                    throw HelperFailure("failed to remove VLAN \(Int(defaultPVID)) from interface `\(tap)': \(error.text)")
                }
            }
        }
        if settings.isolated {
            // IFLA_PROTINFO must carry NLA_F_NESTED: without it the kernel reads an old-style
            // port state byte instead of port attributes.
            let isolated = NetlinkAttribute.nested(sbh_IFLA_PROTINFO, NetlinkAttribute.make(sbh_IFLA_BRPORT_ISOLATED, [1]))
            do { _ = try netlink.request(sbh_RTM_SETLINK, family: AF_BRIDGE, index: index, attributes: isolated) } catch {
                throw HelperFailure("failed to isolate interface `\(tap)' on bridge `\(bridge.bridge)': \(error.text)")
            }
        }
    }

    /// RTM_SETLINK/RTM_DELLINK, family AF_BRIDGE: IFLA_AF_SPEC { IFLA_BRIDGE_VLAN_INFO }.
    func changeVLAN(_ type: UInt16, _ vlan: UInt16, flags: UInt16, of index: Int32) throws(SystemError) {
        var info = bridge_vlan_info()
        info.flags = flags
        info.vid = vlan
        let spec = NetlinkAttribute.nested(sbh_IFLA_AF_SPEC, NetlinkAttribute.make(sbh_IFLA_BRIDGE_VLAN_INFO, RouteNetlink.bytes(of: info)))
        _ = try netlink.request(type, family: AF_BRIDGE, index: index, attributes: spec)
    }

    /// For the audit line: `vlan=10 isolated`.
    public var message: Message { settings.portSettingsMessage }
}
