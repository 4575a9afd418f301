import BridgePolicy
@preconcurrency import Glibc

/// The system calls the privileged acts make, one requirement each, each throwing its
/// SystemError; the acts (BridgeAttachment, PortSetup, TapDevice, PrivilegedActs) turn those
/// into the contract's lines. The helper makes them with KernelCalls; tests record them and
/// fail any one, so the order of the acts and every line are checked without root.
protocol PrivilegedCalls {
    /// /dev/net/tun once opened; TUNSETIFF makes it the tap.
    associatedtype Tun
    /// A NETLINK_ROUTE socket, for the bridge port's settings.
    associatedtype Netlink

    // Interfaces by name, through the control socket (ioctls).
    func mtu(of name: [UInt8]) throws(SystemError) -> Int32
    func driver(of name: [UInt8]) throws(SystemError) -> [UInt8]
    func index(of name: [UInt8]) throws(SystemError) -> Int32
    func setMTU(_ mtu: Int32, of name: [UInt8]) throws(SystemError)
    func hardwareAddress(of name: [UInt8]) throws(SystemError) -> sockaddr
    func setHardwareAddress(_ address: sockaddr, of name: [UInt8]) throws(SystemError)
    func addInterface(index: Int32, toBridge bridge: [UInt8]) throws(SystemError)
    func flags(of name: [UInt8]) throws(SystemError) -> Int16
    func setFlags(_ flags: Int16, of name: [UInt8]) throws(SystemError)

    // The tap's mark, the bridge's ports, and the port's VLAN and isolation, over rtnetlink, by index.
    func openNetlink() throws(SystemError) -> Netlink
    func vlanSettings(ofBridge index: Int32, _ netlink: Netlink) throws(SystemError) -> BridgeVLANSettings
    /// The port's PVID, untagged.
    func setPortVLAN(_ vlan: UInt16, ofPort index: Int32, _ netlink: Netlink) throws(SystemError)
    func removePortVLAN(_ vlan: UInt16, ofPort index: Int32, _ netlink: Netlink) throws(SystemError)
    func isolatePort(_ index: Int32, _ netlink: Netlink) throws(SystemError)
    /// IFLA_IFALIAS: the TapMark that says whose tap it is.
    func setAlias(_ alias: [UInt8], of index: Int32, _ netlink: Netlink) throws(SystemError)
    /// How many taps on bridge `index` carry `uid`'s TapMark (LinkTable).
    func heldTaps(of uid: UInt32, onBridge index: Int32, _ netlink: Netlink) throws(SystemError) -> Int

    // The tap.
    func openTun() throws(SystemError) -> Tun
    /// TUNGETFEATURES: the IFF_ flags this kernel's tun driver offers.
    func features(of tun: Tun) throws(SystemError) -> UInt32
    /// TUNSETIFF with the name template `tap%d`; returns the name the kernel gave.
    func createTap(_ tun: Tun, flags: Int16) throws(SystemError) -> [UInt8]
    /// TUNSETIFF with the made tap's name: one more queue of a multiqueue tap.
    func attachQueue(_ tun: Tun, to name: [UInt8], flags: Int16) throws(SystemError)
    /// TUNSETOWNER, TUNSETGROUP: the kernel records the caller as the tap's owner.
    func setOwner(_ uid: UInt32, of tun: Tun) throws(SystemError)
    func setGroup(_ gid: UInt32, of tun: Tun) throws(SystemError)

    // The end: the audit line, then the fds to the caller.
    func audit(_ outcome: Message) throws(SystemError)
    func send(_ queues: [Tun], of tap: [UInt8], to recipient: TapRecipient) throws(SystemError)
}

/// What a VLAN rule needs to know about the bridge.
struct BridgeVLANSettings: Equatable {
    var filtering: Bool
    /// The VLAN the kernel gives every new port (normally 1; 0 for none).
    var defaultPVID: UInt16
}
