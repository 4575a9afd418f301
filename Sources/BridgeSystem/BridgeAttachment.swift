import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Steps 5-8 of the contract, each one ioctl with the C helper's exact message.
/// The acts use the interface's own name; messages say the name the caller gave.
public struct BridgeAttachment {
    let control: ControlSocket
    /// The kernel's name of the bridge (BridgeNames.actingName).
    let bridge: [UInt8]
    /// As in `--br=`, for messages.
    let shown: [UInt8]

    public init(control: ControlSocket, bridge names: BridgeNames) {
        self.control = control
        self.bridge = names.actingName
        self.shown = names.requested
    }

    /// The bridge's MTU, asked before anything is created, and proof that it is a bridge:
    /// the C helper only finds out when SIOCBRADDIF fails, after making a tap.
    public func bridgeMTU() throws(HelperFailure) -> Int32 {
        let mtu = try control.mtu(of: bridge).orFail { error in
            HelperFailure("failed to get mtu of bridge `\(shown)': \(error.text)",
                          hints: error.code == ENODEV ? ["there is no interface `\(shown)' in this network namespace"] : [])
        }
        let driver = try control.driver(of: bridge).orFail { error in
            HelperFailure("interface `\(shown)' is not a bridge (ethtool: \(error.text)); nothing was created")
        }
        guard driver == Array("bridge".utf8) else {
            throw HelperFailure("interface `\(shown)' is not a bridge (its driver is `\(driver)'); nothing was created")
        }
        return mtu
    }

    public func setMTU(_ mtu: Int32, of tap: [UInt8]) throws(HelperFailure) {
        try control.setMTU(mtu, of: tap).orFail { HelperFailure("failed to set mtu of device `\(tap)' to \(mtu): \($0.text)") }
    }

    /// Linux gives a bridge the lowest MAC of its ports; a first byte of 0xFE keeps the tap
    /// from taking over the bridge's address.
    public func setHighMAC(of tap: [UInt8]) throws(HelperFailure) {
        var address = try control.hardwareAddress(of: tap).orFail {
            HelperFailure("failed to get MAC address of device `\(tap)': \($0.text)")
        }
        address.sa_data.0 = CChar(bitPattern: 0xFE)
        try control.setHardwareAddress(address, of: tap).orFail {
            HelperFailure("failed to set MAC address of device `\(tap)': \($0.text)")
        }
    }

    public func addToBridge(_ tap: [UInt8]) throws(HelperFailure) {
        let failure = { (error: Errno) in
            HelperFailure("failed to add interface `\(tap)' to bridge `\(shown)': \(error.text)")
        }
        let index = try control.index(of: tap).orFail(failure)
        try control.addInterface(index: index, toBridge: bridge).orFail(failure)
    }

    public func bringUp(_ tap: [UInt8]) throws(HelperFailure) {
        let flags = try control.flags(of: tap).orFail {
            HelperFailure("failed to get interface flags for `\(tap)': \($0.text)")
        }
        try control.setFlags(flags | sbh_IFF_UP, of: tap).orFail {
            HelperFailure("failed to bring up interface `\(tap)': \($0.text)")
        }
    }
}
