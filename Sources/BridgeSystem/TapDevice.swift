import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The tap the helper creates. It is not persistent: it disappears when the last fd to it
/// closes, so any failure before the fd is sent leaves nothing behind.
struct TapDevice<Calls: PrivilegedCalls> {
    /// The tap's queues, one fd each (one unless the broker was asked for more); closing them
    /// all removes it. Sent to the caller, never closed before that.
    private(set) var queues: [Calls.Tun]
    let name: [UInt8]
    /// TUNSETIFF's flags, which every further queue must be attached with.
    let flags: Int16

    /// The first queue: the one the owner is set on (the owner is the device's, not a queue's).
    var tun: Calls.Tun { queues[0] }

    /// Steps 2-4 of the contract: open /dev/net/tun, ask for its features, create `tap%d`;
    /// IFF_MULTI_QUEUE when more than one queue will be attached (`attachQueues`).
    static func create(
        vnetHeader wanted: Bool, multiQueue: Bool = false, _ calls: Calls
    ) throws(HelperFailure) -> TapDevice {
        let tun = try open(calls)
        // The C helper adds IFF_VNET_HDR even when TUNGETFEATURES fails; we add it only when offered.
        let features = (try? calls.features(of: tun)) ?? 0
        let vnet = wanted && features & UInt32(UInt16(bitPattern: sbh_IFF_VNET_HDR)) != 0
        if multiQueue && features & UInt32(UInt16(bitPattern: sbh_IFF_MULTI_QUEUE)) == 0 {
            throw HelperFailure(
                "failed to create tun device: this kernel's tun driver offers no multiqueue taps (IFF_MULTI_QUEUE)")
        }
        let flags = sbh_IFF_TAP | sbh_IFF_NO_PI | (vnet ? sbh_IFF_VNET_HDR : 0) | (multiQueue ? sbh_IFF_MULTI_QUEUE : 0)
        // On failure `tun` closes as the error is thrown: no device was made.
        do { return TapDevice(queues: [tun], name: try calls.createTap(tun, flags: flags), flags: flags) } catch {
            throw HelperFailure("failed to create tun device: \(error.text)", hints: tunHints(error.errno))
        }
    }

    /// Each further queue attached by name, up to `count`. After the MAC is set, not before:
    /// udev gives a new interface a MAC of its own unless one was set by then, and every
    /// moment before ours is set is a moment it may win (seen with 4 queues on a real host).
    /// On failure the queues close as the error is thrown: no device is left.
    mutating func attachQueues(upTo count: Int, _ calls: Calls) throws(HelperFailure) {
        while queues.count < count {
            let queue = try Self.open(calls)
            do { try calls.attachQueue(queue, to: name, flags: flags) } catch {
                throw HelperFailure(
                    "failed to attach queue \(queues.count + 1) of \(count) to device `\(name)': \(error.text)",
                    hints: Self.tunHints(error.errno))
            }
            queues.append(queue)
        }
    }

    static func open(_ calls: Calls) throws(HelperFailure) -> Calls.Tun {
        do { return try calls.openTun() } catch {
            throw HelperFailure("failed to open /dev/net/tun: \(error.text)", hints: tunHints(error.errno))
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
