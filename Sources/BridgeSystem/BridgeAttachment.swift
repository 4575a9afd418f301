import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Steps 5-8 of the contract, each a few calls whose failure is the C helper's exact
/// message. The acts use the interface's own name; messages say the name the caller gave.
struct BridgeAttachment<Calls: PrivilegedCalls> {
    let calls: Calls
    /// The kernel's name of the bridge (BridgeNames.actingName).
    let bridge: [UInt8]
    /// As in `--br=`, for messages.
    let shown: [UInt8]

    init(calls: Calls, bridge names: BridgeNames) {
        self.calls = calls
        self.bridge = names.actingName
        self.shown = names.requested
    }

    /// The bridge's MTU, asked before anything is created, and proof that it is a bridge:
    /// the C helper only finds out when SIOCBRADDIF fails, after making a tap.
    func bridgeMTU() throws(HelperFailure) -> Int32 {
        let mtu: Int32
        do { mtu = try calls.mtu(of: bridge) } catch {
            throw HelperFailure(
                "failed to get mtu of bridge `\(shown)': \(error.text)",
                hints: error.errno == ENODEV ? ["there is no interface `\(shown)' in this network namespace"] : [])
        }
        let driver: [UInt8]
        do { driver = try calls.driver(of: bridge) } catch {
            throw HelperFailure("interface `\(shown)' is not a bridge (ethtool: \(error.text)); nothing was created")
        }
        guard driver == Array("bridge".utf8) else {
            throw HelperFailure("interface `\(shown)' is not a bridge (its driver is `\(driver)'); nothing was created")
        }
        return mtu
    }

    func setMTU(_ mtu: Int32, of tap: [UInt8]) throws(HelperFailure) {
        do { try calls.setMTU(mtu, of: tap) } catch {
            throw HelperFailure("failed to set mtu of device `\(tap)' to \(mtu): \(error.text)")
        }
    }

    /// Linux gives a bridge the lowest MAC of its ports; a first byte of 0xFE keeps the tap
    /// from taking over the bridge's address.
    func setHighMAC(of tap: [UInt8]) throws(HelperFailure) {
        var address: sockaddr
        do { address = try calls.hardwareAddress(of: tap) } catch {
            throw HelperFailure("failed to get MAC address of device `\(tap)': \(error.text)")
        }
        address.sa_data.0 = CChar(bitPattern: 0xFE)
        do { try calls.setHardwareAddress(address, of: tap) } catch {
            throw HelperFailure("failed to set MAC address of device `\(tap)': \(error.text)")
        }
    }

    func index(of tap: [UInt8]) throws(HelperFailure) -> Int32 {
        do { return try calls.index(of: tap) } catch {
            throw HelperFailure("failed to get the index of interface `\(tap)': \(error.text)")
        }
    }

    /// Asked only when a rule needs it (`vlan=`, `max=`).
    func bridgeIndex() throws(HelperFailure) -> Int32 {
        do { return try calls.index(of: bridge) } catch {
            throw HelperFailure("failed to get the index of bridge `\(shown)': \(error.text)")
        }
    }

    /// The TapMark (whose tap it is), before the tap joins the bridge: every port `max=`
    /// counts carries its mark from the start.
    func mark(_ tap: [UInt8], index: Int32, for uid: UInt32, _ netlink: Calls.Netlink) throws(HelperFailure) {
        do { try calls.setAlias(TapMark.alias(for: uid), of: index, netlink) } catch {
            throw HelperFailure("failed to mark interface `\(tap)' as uid \(uid)'s: \(error.text)")
        }
    }

    func addToBridge(_ tap: [UInt8], index: Int32) throws(HelperFailure) {
        do { try calls.addInterface(index: index, toBridge: bridge) } catch {
            throw HelperFailure("failed to add interface `\(tap)' to bridge `\(shown)': \(error.text)")
        }
    }

    func bringUp(_ tap: [UInt8]) throws(HelperFailure) {
        let flags: Int16
        do { flags = try calls.flags(of: tap) } catch {
            throw HelperFailure("failed to get interface flags for `\(tap)': \(error.text)")
        }
        do { try calls.setFlags(flags | sbh_IFF_UP, of: tap) } catch {
            throw HelperFailure("failed to bring up interface `\(tap)': \(error.text)")
        }
    }
}
