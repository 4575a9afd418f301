import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Steps 1 and 5-8 of the contract, each a few ioctls whose failure is the C helper's exact
/// message. The acts use the interface's own name; messages say the name the caller gave.
public struct BridgeAttachment {
    let control: ControlSocket
    /// The kernel's name of the bridge (BridgeNames.actingName).
    let bridge: [UInt8]
    /// As in `--br=`, for messages.
    let shown: [UInt8]

    /// Opens the control socket the acts go through.
    public static func open(_ names: BridgeNames) throws(HelperFailure) -> BridgeAttachment {
        do { return BridgeAttachment(control: try ControlSocket.open(), bridge: names.actingName, shown: names.requested) }
        catch { throw HelperFailure("failed to open control socket: \(error.text)") }
    }

    /// The bridge's MTU, asked before anything is created, and proof that it is a bridge:
    /// the C helper only finds out when SIOCBRADDIF fails, after making a tap.
    public func bridgeMTU() throws(HelperFailure) -> Int32 {
        let mtu: Int32
        do { mtu = try control.mtu(of: bridge) } catch {
            throw HelperFailure("failed to get mtu of bridge `\(shown)': \(error.text)",
                                hints: error.errno == ENODEV ? ["there is no interface `\(shown)' in this network namespace"] : [])
        }
        let driver: [UInt8]
        do { driver = try control.driver(of: bridge) } catch {
            throw HelperFailure("interface `\(shown)' is not a bridge (ethtool: \(error.text)); nothing was created")
        }
        guard driver == Array("bridge".utf8) else {
            throw HelperFailure("interface `\(shown)' is not a bridge (its driver is `\(driver)'); nothing was created")
        }
        return mtu
    }

    public func setMTU(_ mtu: Int32, of tap: [UInt8]) throws(HelperFailure) {
        do { try control.setMTU(mtu, of: tap) } catch {
            throw HelperFailure("failed to set mtu of device `\(tap)' to \(mtu): \(error.text)")
        }
    }

    /// Linux gives a bridge the lowest MAC of its ports; a first byte of 0xFE keeps the tap
    /// from taking over the bridge's address.
    public func setHighMAC(of tap: [UInt8]) throws(HelperFailure) {
        var address: sockaddr
        do { address = try control.hardwareAddress(of: tap) } catch {
            throw HelperFailure("failed to get MAC address of device `\(tap)': \(error.text)")
        }
        address.sa_data.0 = CChar(bitPattern: 0xFE)
        do { try control.setHardwareAddress(address, of: tap) } catch {
            throw HelperFailure("failed to set MAC address of device `\(tap)': \(error.text)")
        }
    }

    public func addToBridge(_ tap: [UInt8]) throws(HelperFailure) {
        do { try control.addInterface(index: try control.index(of: tap), toBridge: bridge) } catch {
            throw HelperFailure("failed to add interface `\(tap)' to bridge `\(shown)': \(error.text)")
        }
    }

    public func bringUp(_ tap: [UInt8]) throws(HelperFailure) {
        let flags: Int16
        do { flags = try control.flags(of: tap) } catch {
            throw HelperFailure("failed to get interface flags for `\(tap)': \(error.text)")
        }
        do { try control.setFlags(flags | sbh_IFF_UP, of: tap) } catch {
            throw HelperFailure("failed to bring up interface `\(tap)': \(error.text)")
        }
    }
}
