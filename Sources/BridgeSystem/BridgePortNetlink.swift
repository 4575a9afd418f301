import CBridgeShim
@preconcurrency import Glibc

/// The rtnetlink messages of the privileged acts: the tap's mark, and a rule's port
/// settings (PortSetup): a bridge's VLAN settings, a port's VLAN, port isolation.
extension RouteNetlink {
    /// RTM_GETLINK of the bridge: IFLA_LINKINFO { IFLA_INFO_DATA { IFLA_BR_VLAN_FILTERING,
    /// IFLA_BR_VLAN_DEFAULT_PVID } }.
    func vlanSettings(ofBridge index: Int32) throws(SystemError) -> BridgeVLANSettings {
        let replies = try request(sbh_RTM_GETLINK, family: AF_UNSPEC, index: index)
        let headerSize = RouteNetlink.aligned(MemoryLayout<ifinfomsg>.size, to: sbh_NLMSG_ALIGNTO)
        guard let reply = replies.first, reply.count >= headerSize,
            let link = NetlinkAttribute.parse(reply.dropFirst(headerSize)),
            let info = link[sbh_IFLA_LINKINFO].flatMap(NetlinkAttribute.parse),
            let data = info[sbh_IFLA_INFO_DATA].flatMap(NetlinkAttribute.parse)
        else { throw SystemError(call: "netlink", errno: EIO) }
        let filtering = data[sbh_IFLA_BR_VLAN_FILTERING].map { $0.first == 1 } ?? false
        let pvid =
            data[sbh_IFLA_BR_VLAN_DEFAULT_PVID].flatMap { bytes in
                bytes.count >= 2 ? bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) } : nil
            } ?? 0
        return BridgeVLANSettings(filtering: filtering, defaultPVID: pvid)
    }

    /// RTM_SETLINK/RTM_DELLINK, family AF_BRIDGE: IFLA_AF_SPEC { IFLA_BRIDGE_VLAN_INFO }.
    func changeVLAN(_ type: UInt16, _ vlan: UInt16, flags: UInt16, of index: Int32) throws(SystemError) {
        var info = bridge_vlan_info()
        info.flags = flags
        info.vid = vlan
        let spec = NetlinkAttribute.nested(
            sbh_IFLA_AF_SPEC, NetlinkAttribute.make(sbh_IFLA_BRIDGE_VLAN_INFO, RouteNetlink.bytes(of: info)))
        _ = try request(type, family: AF_BRIDGE, index: index, attributes: spec)
    }

    /// IFLA_PROTINFO { IFLA_BRPORT_ISOLATED 1 }. IFLA_PROTINFO must carry NLA_F_NESTED:
    /// without it the kernel reads an old-style port state byte instead of port attributes.
    func isolate(_ index: Int32) throws(SystemError) {
        let isolated = NetlinkAttribute.nested(sbh_IFLA_PROTINFO, NetlinkAttribute.make(sbh_IFLA_BRPORT_ISOLATED, [1]))
        _ = try request(sbh_RTM_SETLINK, family: AF_BRIDGE, index: index, attributes: isolated)
    }

    /// RTM_SETLINK { IFLA_IFALIAS }.
    func setAlias(_ alias: [UInt8], of index: Int32) throws(SystemError) {
        _ = try request(
            sbh_RTM_SETLINK, family: AF_UNSPEC, index: index, attributes: NetlinkAttribute.make(sbh_IFLA_IFALIAS, alias)
        )
    }
}
