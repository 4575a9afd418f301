import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The tap the helper creates. It is not persistent: it disappears when the last fd to it
/// closes, so any failure before the fd is sent leaves nothing behind.
public struct TapDevice {
    /// The tap; closing it removes it. Sent to the caller, never closed before that.
    public let descriptor: Descriptor
    public let name: [UInt8]

    /// Steps 2-4 of the contract: open /dev/net/tun, ask for its features, create `tap%d`.
    public static func create(vnetHeader wanted: Bool) throws(HelperFailure) -> TapDevice {
        let tun: Descriptor
        do { tun = try .opening("open") { open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NOCTTY) } } catch {
            throw HelperFailure("failed to open /dev/net/tun: \(error.text)", hints: tunHints(error.errno))
        }
        // The C helper adds IFF_VNET_HDR even when TUNGETFEATURES fails; we add it only when offered.
        var features: UInt32 = 0
        let offered = (try? tun.syscall("ioctl(TUNGETFEATURES)") { sbh_ioctl($0, sbh_TUNGETFEATURES, &features) }) != nil
            && features & UInt32(UInt16(bitPattern: sbh_IFF_VNET_HDR)) != 0
        let vnet = wanted && offered
        var ifr = InterfaceRequest(name: Array("tap%d".utf8))
        ifr.raw.ifr_ifru.ifru_flags = sbh_IFF_TAP | sbh_IFF_NO_PI | (vnet ? sbh_IFF_VNET_HDR : 0)
        // On failure `tun` closes as the error is thrown: no device was made.
        do { try tun.syscall("ioctl(TUNSETIFF)") { sbh_ioctl($0, sbh_TUNSETIFF, &ifr.raw) } } catch {
            throw HelperFailure("failed to create tun device: \(error.text)", hints: tunHints(error.errno))
        }
        return TapDevice(descriptor: tun, name: ifr.name)
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
