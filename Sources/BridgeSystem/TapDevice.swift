import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The tap the helper creates. It is not persistent: it disappears when the last fd to it
/// closes, so any failure before the fd is sent leaves nothing behind.
struct TapDevice<Calls: PrivilegedCalls> {
    /// The tap; closing it removes it. Sent to the caller, never closed before that.
    let tun: Calls.Tun
    let name: [UInt8]

    /// Steps 2-4 of the contract: open /dev/net/tun, ask for its features, create `tap%d`.
    static func create(vnetHeader wanted: Bool, _ calls: Calls) throws(HelperFailure) -> TapDevice {
        let tun: Calls.Tun
        do { tun = try calls.openTun() } catch {
            throw HelperFailure("failed to open /dev/net/tun: \(error.text)", hints: tunHints(error.errno))
        }
        // The C helper adds IFF_VNET_HDR even when TUNGETFEATURES fails; we add it only when offered.
        let offered =
            (try? calls.features(of: tun)).map { $0 & UInt32(UInt16(bitPattern: sbh_IFF_VNET_HDR)) != 0 } ?? false
        let vnet = wanted && offered
        // On failure `tun` closes as the error is thrown: no device was made.
        do {
            let name = try calls.createTap(tun, flags: sbh_IFF_TAP | sbh_IFF_NO_PI | (vnet ? sbh_IFF_VNET_HDR : 0))
            return TapDevice(tun: tun, name: name)
        } catch {
            throw HelperFailure("failed to create tun device: \(error.text)", hints: tunHints(error.errno))
        }
    }

    /// The kernel records the caller as the tap's owner and group (TUNSETOWNER, TUNSETGROUP).
    /// For `who` only: whoever holds the fd may change them, so `max=` counts the TapMark.
    func setOwner(_ caller: CallerIdentity, _ calls: Calls) throws(HelperFailure) {
        do {
            try calls.setOwner(caller.uid, of: tun)
            try calls.setGroup(caller.gid, of: tun)
        } catch {
            throw HelperFailure("failed to set the owner of device `\(name)': \(error.text)")
        }
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
