import BridgePolicy
import BridgeSystem
import CBridgeShim
@preconcurrency import Glibc

/// What the other checks need to know about the bridge.
struct BridgeFacts {
    var isBridge = false
    /// IPv4 networks on the bridge, as `address/prefix`.
    var ipv4: [String] = []
}

/// The bridge as the helper will see it: asked through the same ioctls (SIOCGIFMTU,
/// SIOCETHTOOL driver), in this process's network namespace, not through /sys.
final class BridgeInterfaceChecks {
    let name: String
    private(set) var facts = BridgeFacts()

    init(name: String) { self.name = name }

    func findings() -> [DoctorFinding] {
        let bytes = Array(name.utf8)
        if bytes.count > InterfaceName.maximumLength || InterfaceName.problem(with: bytes) != nil {
            return [
                DoctorFinding(
                    "bridge.exists", .fail,
                    "`\(name)' is not a valid interface name (1-15 bytes, no `/', `:' or white space)")
            ]
        }
        let control: ControlSocket
        do { control = try ControlSocket.open() } catch {
            return [DoctorFinding("bridge.exists", .fail, "failed to open control socket: \(error.text)")]
        }
        do { _ = try control.mtu(of: bytes) } catch {
            let fix = "ip link add \(name) type bridge && ip link set \(name) up"
            let why =
                error.errno == ENODEV
                ? "there is no interface `\(name)' in this network namespace" : "cannot query `\(name)': \(error.text)"
            return [DoctorFinding("bridge.exists", .fail, why, fix: fix)]
        }
        var findings = [DoctorFinding("bridge.exists", .ok, "interface `\(name)' exists")]
        let driver: [UInt8]
        do { driver = try control.driver(of: bytes) } catch {
            findings.append(DoctorFinding("bridge.kind", .fail, "`\(name)' is not a bridge (ethtool: \(error.text))"))
            return findings
        }
        if driver == Array("bridge".utf8) {
            facts.isBridge = true
            findings.append(DoctorFinding("bridge.kind", .ok, "`\(name)' is a bridge"))
        } else {
            findings.append(
                DoctorFinding(
                    "bridge.kind", .fail,
                    "`\(name)' is not a bridge (its driver is `\(Message(bytes: driver))'): the helper refuses it",
                    fix:
                        "ip link add br0 type bridge && ip link set \(name) master br0 && ip link set br0 up   # then use br0"
                ))
            return findings
        }
        if let flags = try? control.flags(of: bytes), flags & sbh_IFF_UP == 0 {
            findings.append(
                DoctorFinding(
                    "bridge.up", .warn, "`\(name)' is down: guests get no link", fix: "ip link set \(name) up"))
        } else {
            findings.append(DoctorFinding("bridge.up", .ok, "`\(name)' is up"))
        }
        findings.append(ports(control))
        findings.append(addresses())
        return findings
    }

    /// /sys shows the network namespace of whoever mounted it; believe its list of ports
    /// only when its ifindex for the bridge is the one our namespace reports.
    func ports(_ control: ControlSocket) -> DoctorFinding {
        let sysfs = "/sys/class/net/\(name)"
        guard let index = try? control.index(of: Array(name.utf8)),
            FileFacts.firstLine("\(sysfs)/ifindex") == String(index),
            let ports = FileFacts.entries(of: "\(sysfs)/brif")
        else {
            return DoctorFinding(
                "bridge.ports", .info, "ports of `\(name)': unknown (/sys shows another network namespace)",
                fix: "ip link show master \(name)")
        }
        if ports.isEmpty {
            return DoctorFinding(
                "bridge.ports", .info,
                "`\(name)' has no ports yet: guests reach each other and the host, and the outside only if the host routes for them"
            )
        }
        return DoctorFinding("bridge.ports", .info, "ports of `\(name)': \(ports.joined(separator: ", "))")
    }

    func addresses() -> DoctorFinding {
        let all = InterfaceAddresses.of(name)
        facts.ipv4 = all.filter { !$0.contains(":") }
        if all.isEmpty {
            return DoctorFinding(
                "bridge.address", .info,
                "`\(name)' has no IP address: fine when a physical port on it reaches a network with DHCP; otherwise guests have no gateway on this host"
            )
        }
        return DoctorFinding("bridge.address", .info, "`\(name)' has \(all.joined(separator: ", "))")
    }
}

/// Addresses of one interface in this network namespace (getifaddrs asks netlink).
enum InterfaceAddresses {
    static func of(_ name: String) -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var result: [String] = []
        var cursor = list
        while let entry = cursor?.pointee {
            cursor = entry.ifa_next
            guard String(cString: entry.ifa_name) == name, let address = entry.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            result.append("\(text(address, family))/\(prefixLength(entry.ifa_netmask, family))")
        }
        return result
    }

    static func bytes(_ address: UnsafeMutablePointer<sockaddr>, _ family: Int32) -> [UInt8] {
        if family == AF_INET {
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
            }
        }
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
            withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
        }
    }

    static func text(_ address: UnsafeMutablePointer<sockaddr>, _ family: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let raw = bytes(address, family)
        _ = raw.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func prefixLength(_ mask: UnsafeMutablePointer<sockaddr>?, _ family: Int32) -> Int {
        guard let mask else { return family == AF_INET ? 32 : 128 }
        return bytes(mask, family).reduce(0) { $0 + $1.nonzeroBitCount }
    }
}
