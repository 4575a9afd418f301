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
    let fd: Int32

    /// Step 1 of the contract.
    public static func open() throws(HelperFailure) -> ControlSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HelperFailure("failed to open control socket: \(errorText(errno))") }
        return ControlSocket(fd: fd)
    }

    /// One ioctl on an interface request; returns errno on failure.
    func control(_ request: UInt, _ ifr: inout InterfaceRequest) -> Int32? {
        retryingEINTR { sbh_ioctl(fd, request, &ifr.raw) } == 0 ? nil : errno
    }

    /// A query ioctl on `name`, and the field of the answer wanted.
    func query<Value>(_ request: UInt, _ name: [UInt8], _ field: (ifreq) -> Value) -> Result<Value, Errno> {
        var ifr = InterfaceRequest(name: name)
        if let code = control(request, &ifr) { return .failure(Errno(code)) }
        return .success(field(ifr.raw))
    }

    /// A setting ioctl on `name`, with the field `fill` writes.
    func update(_ request: UInt, _ name: [UInt8], _ fill: (inout ifreq) -> Void) -> Errno? {
        var ifr = InterfaceRequest(name: name)
        fill(&ifr.raw)
        return control(request, &ifr).map(Errno.init)
    }

    public func mtu(of name: [UInt8]) -> Result<Int32, Errno> {
        query(sbh_SIOCGIFMTU, name) { $0.ifr_ifru.ifru_mtu }
    }

    public func setMTU(_ mtu: Int32, of name: [UInt8]) -> Errno? {
        update(sbh_SIOCSIFMTU, name) { $0.ifr_ifru.ifru_mtu = mtu }
    }

    public func hardwareAddress(of name: [UInt8]) -> Result<sockaddr, Errno> {
        query(sbh_SIOCGIFHWADDR, name) { $0.ifr_ifru.ifru_hwaddr }
    }

    public func setHardwareAddress(_ address: sockaddr, of name: [UInt8]) -> Errno? {
        update(sbh_SIOCSIFHWADDR, name) { $0.ifr_ifru.ifru_hwaddr = address }
    }

    public func index(of name: [UInt8]) -> Result<Int32, Errno> {
        query(sbh_SIOCGIFINDEX, name) { $0.ifr_ifru.ifru_ivalue }
    }

    public func flags(of name: [UInt8]) -> Result<Int16, Errno> {
        query(sbh_SIOCGIFFLAGS, name) { $0.ifr_ifru.ifru_flags }
    }

    public func setFlags(_ flags: Int16, of name: [UInt8]) -> Errno? {
        update(sbh_SIOCSIFFLAGS, name) { $0.ifr_ifru.ifru_flags = flags }
    }

    public func addInterface(index: Int32, toBridge bridge: [UInt8]) -> Errno? {
        update(sbh_SIOCBRADDIF, bridge) { $0.ifr_ifru.ifru_ivalue = index }
    }

    /// The kernel driver behind an interface (`bridge` for a bridge), asked through
    /// ethtool in our own network namespace; /sys may show another namespace.
    public func driver(of name: [UInt8]) -> Result<[UInt8], Errno> {
        var info = ethtool_drvinfo()
        info.cmd = sbh_ETHTOOL_GDRVINFO
        var ifr = InterfaceRequest(name: name)
        let code: Int32? = withUnsafeMutablePointer(to: &info) { pointer in
            ifr.raw.ifr_ifru.ifru_data = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: CChar.self)
            return control(sbh_SIOCETHTOOL, &ifr)
        }
        if let code { return .failure(Errno(code)) }
        return .success(withUnsafeBytes(of: info.driver) { Array($0.prefix { $0 != 0 }) })
    }
}

/// An errno value, carried as a typed error.
public struct Errno: Error, Equatable, Sendable {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }
    public var text: Message { errorText(code) }
}

extension Result where Failure == Errno {
    /// The value, or the helper's failure: the contract's message for this act, made from the errno.
    func orFail(_ failure: (Errno) -> HelperFailure) throws(HelperFailure) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw failure(error)
        }
    }
}

extension Optional where Wrapped == Errno {
    /// Nothing, or the helper's failure made from the errno.
    func orFail(_ failure: (Errno) -> HelperFailure) throws(HelperFailure) {
        if let error = self { throw failure(error) }
    }
}
