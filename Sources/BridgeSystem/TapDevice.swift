import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The tap the helper creates. It is not persistent: it disappears when the last fd to it
/// closes, so any failure before the fd is sent leaves nothing behind.
public struct TapDevice {
    public let fd: Int32
    public let name: [UInt8]

    /// Steps 2-4 of the contract: open /dev/net/tun, ask for its features, create `tap%d`.
    public static func create(vnetHeader wanted: Bool) throws(HelperFailure) -> TapDevice {
        let fd = retryingEINTR { open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NOCTTY) }
        guard fd >= 0 else {
            let code = errno
            throw HelperFailure("failed to open /dev/net/tun: \(errorText(code))", hints: tunHints(code))
        }
        // The C helper adds IFF_VNET_HDR even when TUNGETFEATURES fails; we add it only when offered.
        var features: UInt32 = 0
        let offered = sbh_ioctl(fd, sbh_TUNGETFEATURES, &features) == 0
            && features & UInt32(UInt16(bitPattern: sbh_IFF_VNET_HDR)) != 0
        let vnet = wanted && offered
        var ifr = InterfaceRequest(name: Array("tap%d".utf8))
        ifr.raw.ifr_ifru.ifru_flags = sbh_IFF_TAP | sbh_IFF_NO_PI | (vnet ? sbh_IFF_VNET_HDR : 0)
        guard retryingEINTR({ sbh_ioctl(fd, sbh_TUNSETIFF, &ifr.raw) }) == 0 else {
            let code = errno
            close(fd)
            throw HelperFailure("failed to create tun device: \(errorText(code))", hints: tunHints(code))
        }
        return TapDevice(fd: fd, name: ifr.name)
    }

    static func tunHints(_ code: Int32) -> [Message] {
        switch code {
        case ENOENT: return ["/dev/net/tun is missing: load the tun module (modprobe tun)"]
        case EACCES: return ["/dev/net/tun is not readable and writable by this user: it is normally mode 0666"]
        case EPERM: return ["the kernel refused: this process lacks CAP_NET_ADMIN in this network namespace"]
        default: return []
        }
    }
}
