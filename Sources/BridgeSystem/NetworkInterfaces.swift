import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// A `struct ifreq` naming one interface. Names are validated before they get here
/// (1-15 bytes), so nothing is ever cut to fit.
struct InterfaceRequest {
    var raw = ifreq()

    init(name: [UInt8]) {
        precondition(!name.isEmpty && name.count <= InterfaceName.maximumLength, "unvalidated interface name")
        withUnsafeMutableBytes(of: &raw.ifr_ifrn.ifrn_name) { buffer in
            buffer.copyBytes(from: name)
        }
    }

    var name: [UInt8] {
        withUnsafeBytes(of: raw.ifr_ifrn.ifrn_name) { Array($0.prefix { $0 != 0 }) }
    }
}

/// The AF_INET socket the interface ioctls go through, in the caller's network namespace.
public struct ControlSocket {
    let descriptor: Descriptor

    /// Step 1 of the contract.
    public static func open() throws(SystemError) -> ControlSocket {
        ControlSocket(
            descriptor: try .opening("socket") {
                socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            })
    }

    /// One ioctl on an interface request.
    func control(_ call: StaticString, _ request: UInt, _ ifr: inout InterfaceRequest) throws(SystemError) {
        try descriptor.syscall(call) { sbh_ioctl($0, request, &ifr.raw) }
    }

    /// A query ioctl on `name`, and the field of the answer wanted.
    func query<Value>(
        _ call: StaticString, _ request: UInt, _ name: [UInt8], _ field: (ifreq) -> Value
    ) throws(SystemError) -> Value {
        var ifr = InterfaceRequest(name: name)
        try control(call, request, &ifr)
        return field(ifr.raw)
    }

    /// A setting ioctl on `name`, with the field `fill` writes.
    func update(
        _ call: StaticString, _ request: UInt, _ name: [UInt8], _ fill: (inout ifreq) -> Void
    ) throws(SystemError) {
        var ifr = InterfaceRequest(name: name)
        fill(&ifr.raw)
        try control(call, request, &ifr)
    }

    public func mtu(of name: [UInt8]) throws(SystemError) -> Int32 {
        try query("ioctl(SIOCGIFMTU)", sbh_SIOCGIFMTU, name) { $0.ifr_ifru.ifru_mtu }
    }

    public func setMTU(_ mtu: Int32, of name: [UInt8]) throws(SystemError) {
        try update("ioctl(SIOCSIFMTU)", sbh_SIOCSIFMTU, name) { $0.ifr_ifru.ifru_mtu = mtu }
    }

    public func hardwareAddress(of name: [UInt8]) throws(SystemError) -> sockaddr {
        try query("ioctl(SIOCGIFHWADDR)", sbh_SIOCGIFHWADDR, name) { $0.ifr_ifru.ifru_hwaddr }
    }

    public func setHardwareAddress(_ address: sockaddr, of name: [UInt8]) throws(SystemError) {
        try update("ioctl(SIOCSIFHWADDR)", sbh_SIOCSIFHWADDR, name) { $0.ifr_ifru.ifru_hwaddr = address }
    }

    public func index(of name: [UInt8]) throws(SystemError) -> Int32 {
        try query("ioctl(SIOCGIFINDEX)", sbh_SIOCGIFINDEX, name) { $0.ifr_ifru.ifru_ivalue }
    }

    public func flags(of name: [UInt8]) throws(SystemError) -> Int16 {
        try query("ioctl(SIOCGIFFLAGS)", sbh_SIOCGIFFLAGS, name) { $0.ifr_ifru.ifru_flags }
    }

    public func setFlags(_ flags: Int16, of name: [UInt8]) throws(SystemError) {
        try update("ioctl(SIOCSIFFLAGS)", sbh_SIOCSIFFLAGS, name) { $0.ifr_ifru.ifru_flags = flags }
    }

    public func addInterface(index: Int32, toBridge bridge: [UInt8]) throws(SystemError) {
        try update("ioctl(SIOCBRADDIF)", sbh_SIOCBRADDIF, bridge) { $0.ifr_ifru.ifru_ivalue = index }
    }

    /// The kernel driver behind an interface (`bridge` for a bridge), asked through
    /// ethtool in our own network namespace; /sys may show another namespace.
    public func driver(of name: [UInt8]) throws(SystemError) -> [UInt8] {
        var info = ethtool_drvinfo()
        info.cmd = sbh_ETHTOOL_GDRVINFO
        var ifr = InterfaceRequest(name: name)
        try withUnsafeMutablePointer(to: &info) { (pointer) throws(SystemError) in
            ifr.raw.ifr_ifru.ifru_data = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: CChar.self)
            try control("ioctl(SIOCETHTOOL)", sbh_SIOCETHTOOL, &ifr)
        }
        return withUnsafeBytes(of: info.driver) { Array($0.prefix { $0 != 0 }) }
    }
}
