import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The privileged acts' calls as the kernel makes them: ioctls on the control socket, the
/// bridge port over rtnetlink, the tun device, the audit socket, sendmsg to the caller.
struct KernelCalls: PrivilegedCalls {
    let control: ControlSocket
    let auditLog: AuditLog

    func mtu(of name: [UInt8]) throws(SystemError) -> Int32 { try control.mtu(of: name) }
    func driver(of name: [UInt8]) throws(SystemError) -> [UInt8] { try control.driver(of: name) }
    func index(of name: [UInt8]) throws(SystemError) -> Int32 { try control.index(of: name) }
    func setMTU(_ mtu: Int32, of name: [UInt8]) throws(SystemError) { try control.setMTU(mtu, of: name) }
    func hardwareAddress(of name: [UInt8]) throws(SystemError) -> sockaddr { try control.hardwareAddress(of: name) }
    func setHardwareAddress(_ address: sockaddr, of name: [UInt8]) throws(SystemError) {
        try control.setHardwareAddress(address, of: name)
    }
    func addInterface(index: Int32, toBridge bridge: [UInt8]) throws(SystemError) {
        try control.addInterface(index: index, toBridge: bridge)
    }
    func flags(of name: [UInt8]) throws(SystemError) -> Int16 { try control.flags(of: name) }
    func setFlags(_ flags: Int16, of name: [UInt8]) throws(SystemError) { try control.setFlags(flags, of: name) }

    func openNetlink() throws(SystemError) -> RouteNetlink { try RouteNetlink.open() }
    func vlanSettings(ofBridge index: Int32, _ netlink: RouteNetlink) throws(SystemError) -> BridgeVLANSettings {
        try netlink.vlanSettings(ofBridge: index)
    }
    func setPortVLAN(_ vlan: UInt16, ofPort index: Int32, _ netlink: RouteNetlink) throws(SystemError) {
        try netlink.changeVLAN(
            sbh_RTM_SETLINK, vlan, flags: sbh_BRIDGE_VLAN_INFO_PVID | sbh_BRIDGE_VLAN_INFO_UNTAGGED, of: index)
    }
    func removePortVLAN(_ vlan: UInt16, ofPort index: Int32, _ netlink: RouteNetlink) throws(SystemError) {
        try netlink.changeVLAN(sbh_RTM_DELLINK, vlan, flags: 0, of: index)
    }
    func isolatePort(_ index: Int32, _ netlink: RouteNetlink) throws(SystemError) { try netlink.isolate(index) }
    func setAlias(_ alias: [UInt8], of index: Int32, _ netlink: RouteNetlink) throws(SystemError) {
        try netlink.setAlias(alias, of: index)
    }
    func heldTaps(of uid: UInt32, onBridge index: Int32, _ netlink: RouteNetlink) throws(SystemError) -> Int {
        try LinkTable.read(netlink).taps(of: uid, onBridge: index).count
    }

    func openTun() throws(SystemError) -> Descriptor {
        try .opening("open") { open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NOCTTY) }
    }
    func features(of tun: Descriptor) throws(SystemError) -> UInt32 {
        var features: UInt32 = 0
        try tun.syscall("ioctl(TUNGETFEATURES)") { sbh_ioctl($0, sbh_TUNGETFEATURES, &features) }
        return features
    }
    func createTap(_ tun: Descriptor, flags: Int16) throws(SystemError) -> [UInt8] {
        try setInterface(of: tun, name: Array("tap%d".utf8), flags: flags)
    }
    func attachQueue(_ tun: Descriptor, to name: [UInt8], flags: Int16) throws(SystemError) {
        try setInterface(of: tun, name: name, flags: flags)
    }
    /// TUNSETIFF: the name the kernel gave (a template's number filled in).
    @discardableResult
    func setInterface(of tun: Descriptor, name: [UInt8], flags: Int16) throws(SystemError) -> [UInt8] {
        var ifr = InterfaceRequest(name: name)
        ifr.raw.ifr_ifru.ifru_flags = flags
        try tun.syscall("ioctl(TUNSETIFF)") { sbh_ioctl($0, sbh_TUNSETIFF, &ifr.raw) }
        return ifr.name
    }
    func setOwner(_ uid: UInt32, of tun: Descriptor) throws(SystemError) {
        try tun.syscall("ioctl(TUNSETOWNER)") { sbh_ioctl_value($0, sbh_TUNSETOWNER, UInt(uid)) }
    }
    func setGroup(_ gid: UInt32, of tun: Descriptor) throws(SystemError) {
        try tun.syscall("ioctl(TUNSETGROUP)") { sbh_ioctl_value($0, sbh_TUNSETGROUP, UInt(gid)) }
    }

    func audit(_ outcome: Message) throws(SystemError) { try auditLog.write(outcome, failed: false) }
    func send(_ queues: [Descriptor], of tap: [UInt8], to recipient: TapRecipient) throws(SystemError) {
        switch recipient {
        case .helperSocket(let socket): try CallerSocket.send(queues[0], over: socket)
        case .brokerClient(let connection): try connection.replyWithTap(tap, queues: queues)
        }
    }
}
