import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The tap the helper creates. It is not persistent: it disappears when the last fd to it
/// closes, so any failure before the fd is sent leaves nothing behind.
struct TapDevice<Calls: PrivilegedCalls> {
    /// The tap's queues, one fd each (one unless the broker was asked for more); closing them
    /// all removes it. Sent to the caller, never closed before that.
    let queues: [Calls.Tun]
    let name: [UInt8]

    /// The first queue: the one the owner is set on (the owner is the device's, not a queue's).
    var tun: Calls.Tun { queues[0] }

    /// Steps 2-4 of the contract: open /dev/net/tun, ask for its features, create `tap%d`;
    /// with more than one queue, IFF_MULTI_QUEUE and each further queue attached by name.
    static func create(
        vnetHeader wanted: Bool, queues count: Int = 1, _ calls: Calls
    ) throws(HelperFailure)
        -> TapDevice
    {
        let tun = try open(calls)
        // The C helper adds IFF_VNET_HDR even when TUNGETFEATURES fails; we add it only when offered.
        let features = (try? calls.features(of: tun)) ?? 0
        let vnet = wanted && features & UInt32(UInt16(bitPattern: sbh_IFF_VNET_HDR)) != 0
        let multiQueue = count > 1
        if multiQueue && features & UInt32(UInt16(bitPattern: sbh_IFF_MULTI_QUEUE)) == 0 {
            throw HelperFailure(
                "failed to create tun device: this kernel's tun driver offers no multiqueue taps (IFF_MULTI_QUEUE)")
        }
        let flags = sbh_IFF_TAP | sbh_IFF_NO_PI | (vnet ? sbh_IFF_VNET_HDR : 0) | (multiQueue ? sbh_IFF_MULTI_QUEUE : 0)
        // On failure every queue opened so far closes as the error is thrown: no device is left.
        let name: [UInt8]
        do { name = try calls.createTap(tun, flags: flags) } catch {
            throw HelperFailure("failed to create tun device: \(error.text)", hints: tunHints(error.errno))
        }
        var queues = [tun]
        while queues.count < count {
            let queue = try open(calls)
            do { try calls.attachQueue(queue, to: name, flags: flags) } catch {
                throw HelperFailure(
                    "failed to attach queue \(queues.count + 1) of \(count) to device `\(name)': \(error.text)",
                    hints: tunHints(error.errno))
            }
            queues.append(queue)
        }
        return TapDevice(queues: queues, name: name)
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
