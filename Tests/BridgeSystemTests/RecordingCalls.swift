import BridgePolicy
import CBridgeShim
import Glibc

@testable import BridgeSystem

/// A kernel that writes down every call the privileged acts make, answers as a host with
/// bridge br0 (index 7) would, and fails the one call it is told to (by its position among
/// the calls) with an errno. What the acts open is a Handle whose closing is written down too.
final class RecordingCalls: PrivilegedCalls {
    final class Handle {
        let name: String
        let calls: RecordingCalls
        init(_ name: String, _ calls: RecordingCalls) {
            self.name = name
            self.calls = calls
        }
        deinit { calls.log.append("close \(name)") }
    }
    typealias Tun = Handle
    typealias Netlink = Handle

    /// Every call, and every close, in order.
    var log: [String] = []
    /// The calls alone (what `failing` counts).
    var calls: [String] { log.filter { !$0.hasPrefix("close ") } }
    /// The position in `calls` of the one that fails, with `errno`.
    var failing: Int?
    var errno: Int32 = EPERM

    var bridgeMTU: Int32 = 1400
    var driverName = "bridge"
    var vlan = BridgeVLANSettings(filtering: true, defaultPVID: 1)
    var offersVnetHeader = true
    var offersMultiQueue = true
    var interfaceIndexes: [String: Int32] = ["br0": 7, "br-secure": 7, "tap0": 8]
    /// The tap's MAC as the kernel made it, and its flags (IFF_BROADCAST | IFF_MULTICAST).
    var tapAddress: [UInt8] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55]
    var tapFlags: Int16 = 0x1002
    /// What each count of the caller's taps answers, in turn (the last one from then on).
    var heldCounts: [Int] = [0]

    func record(_ call: String) throws(SystemError) {
        let position = calls.count
        log.append(call)
        if position == failing { throw SystemError(call: "recorded", errno: errno) }
    }

    func text(_ name: [UInt8]) -> String { String(decoding: name, as: UTF8.self) }

    func mtu(of name: [UInt8]) throws(SystemError) -> Int32 {
        try record("mtu \(text(name))")
        return bridgeMTU
    }
    func driver(of name: [UInt8]) throws(SystemError) -> [UInt8] {
        try record("driver \(text(name))")
        return Array(driverName.utf8)
    }
    func index(of name: [UInt8]) throws(SystemError) -> Int32 {
        try record("index \(text(name))")
        guard let index = interfaceIndexes[text(name)] else { throw SystemError(call: "recorded", errno: ENODEV) }
        return index
    }
    func setMTU(_ mtu: Int32, of name: [UInt8]) throws(SystemError) { try record("setMTU \(text(name)) \(mtu)") }
    func hardwareAddress(of name: [UInt8]) throws(SystemError) -> sockaddr {
        try record("hardwareAddress \(text(name))")
        var address = sockaddr()
        address.sa_family = 1  // ARPHRD_ETHER
        withUnsafeMutableBytes(of: &address.sa_data) { $0.copyBytes(from: tapAddress) }
        return address
    }
    func setHardwareAddress(_ address: sockaddr, of name: [UInt8]) throws(SystemError) {
        let bytes = withUnsafeBytes(of: address.sa_data) { Array($0.prefix(6)) }
        try record("setHardwareAddress \(text(name)) \(bytes.map { hex($0) }.joined(separator: ":"))")
    }
    func addInterface(index: Int32, toBridge bridge: [UInt8]) throws(SystemError) {
        try record("addInterface \(index) \(text(bridge))")
    }
    func flags(of name: [UInt8]) throws(SystemError) -> Int16 {
        try record("flags \(text(name))")
        return tapFlags
    }
    func setFlags(_ flags: Int16, of name: [UInt8]) throws(SystemError) {
        try record("setFlags \(text(name)) 0x\(String(UInt16(bitPattern: flags), radix: 16))")
    }

    func openNetlink() throws(SystemError) -> Handle {
        try record("openNetlink")
        return Handle("netlink", self)
    }
    func vlanSettings(ofBridge index: Int32, _ netlink: Handle) throws(SystemError) -> BridgeVLANSettings {
        try record("vlanSettings \(index) \(netlink.name)")
        return vlan
    }
    func setPortVLAN(_ vlan: UInt16, ofPort index: Int32, _ netlink: Handle) throws(SystemError) {
        try record("setPortVLAN \(vlan) \(index)")
    }
    func removePortVLAN(_ vlan: UInt16, ofPort index: Int32, _ netlink: Handle) throws(SystemError) {
        try record("removePortVLAN \(vlan) \(index)")
    }
    func isolatePort(_ index: Int32, _ netlink: Handle) throws(SystemError) { try record("isolatePort \(index)") }
    func setAlias(_ alias: [UInt8], of index: Int32, _ netlink: Handle) throws(SystemError) {
        try record("setAlias \(index) \(text(alias))")
    }
    func heldTaps(of uid: UInt32, onBridge index: Int32, _ netlink: Handle) throws(SystemError) -> Int {
        try record("heldTaps \(uid) \(index)")
        return heldCounts.count > 1 ? heldCounts.removeFirst() : heldCounts[0]
    }

    func openTun() throws(SystemError) -> Handle {
        try record("openTun")
        return Handle("tun", self)
    }
    func features(of tun: Handle) throws(SystemError) -> UInt32 {
        try record("features")
        let offered = sbh_IFF_TAP | sbh_IFF_NO_PI | (offersVnetHeader ? sbh_IFF_VNET_HDR : 0)
        return UInt32(UInt16(bitPattern: offered | (offersMultiQueue ? sbh_IFF_MULTI_QUEUE : 0)))
    }
    func createTap(_ tun: Handle, flags: Int16) throws(SystemError) -> [UInt8] {
        var names: [String] = []
        if flags & sbh_IFF_TAP != 0 { names.append("IFF_TAP") }
        if flags & sbh_IFF_NO_PI != 0 { names.append("IFF_NO_PI") }
        if flags & sbh_IFF_VNET_HDR != 0 { names.append("IFF_VNET_HDR") }
        if flags & sbh_IFF_MULTI_QUEUE != 0 { names.append("IFF_MULTI_QUEUE") }
        let others = flags & ~(sbh_IFF_TAP | sbh_IFF_NO_PI | sbh_IFF_VNET_HDR | sbh_IFF_MULTI_QUEUE)
        if others != 0 { names.append("0x\(String(UInt16(bitPattern: others), radix: 16))") }
        try record("createTap \(names.joined(separator: "|"))")
        return Array("tap0".utf8)
    }
    func attachQueue(_ tun: Handle, to name: [UInt8], flags: Int16) throws(SystemError) {
        try record("attachQueue \(text(name)) 0x\(String(UInt16(bitPattern: flags), radix: 16))")
    }
    func setOwner(_ uid: UInt32, of tun: Handle) throws(SystemError) { try record("setOwner \(uid)") }
    func setGroup(_ gid: UInt32, of tun: Handle) throws(SystemError) { try record("setGroup \(gid)") }

    func audit(_ outcome: Message) throws(SystemError) { try record("audit \(outcome)") }
    func send(_ queues: [Handle], of tap: [UInt8], to recipient: TapRecipient) throws(SystemError) {
        guard case .helperSocket(let socket) = recipient else { return try record("send to a broker client") }
        try record("send \(queues.map(\.name).joined(separator: ",")) over \(socket)")
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}
