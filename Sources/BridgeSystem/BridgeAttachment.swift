import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Steps 5-8 of the contract, each one ioctl with the C helper's exact message.
public struct BridgeAttachment {
    let control: ControlSocket
    let bridge: [UInt8]

    public init(control: ControlSocket, bridge: [UInt8]) {
        self.control = control
        self.bridge = bridge
    }

    /// The bridge's MTU, asked before anything is created, and proof that it is a bridge:
    /// the C helper only finds out when SIOCBRADDIF fails, after making a tap.
    public func bridgeMTU() throws(HelperFailure) -> Int32 {
        let mtu: Int32
        switch control.mtu(of: bridge) {
        case .success(let value): mtu = value
        case .failure(let error):
            let hints: [Message] = error.code == ENODEV ? ["there is no interface `\(bridge)' in this network namespace"] : []
            throw HelperFailure("failed to get mtu of bridge `\(bridge)': \(error.text)", hints: hints)
        }
        switch control.driver(of: bridge) {
        case .success(let driver) where driver == Array("bridge".utf8):
            return mtu
        case .success(let driver):
            throw HelperFailure("interface `\(bridge)' is not a bridge (its driver is `\(driver)'); nothing was created")
        case .failure(let error):
            throw HelperFailure("interface `\(bridge)' is not a bridge (ethtool: \(error.text)); nothing was created")
        }
    }

    public func setMTU(_ mtu: Int32, of tap: [UInt8]) throws(HelperFailure) {
        if let error = control.setMTU(mtu, of: tap) {
            throw HelperFailure("failed to set mtu of device `\(tap)' to \(mtu): \(error.text)")
        }
    }

    /// Linux gives a bridge the lowest MAC of its ports; a first byte of 0xFE keeps the tap
    /// from taking over the bridge's address.
    public func setHighMAC(of tap: [UInt8]) throws(HelperFailure) {
        var address: sockaddr
        switch control.hardwareAddress(of: tap) {
        case .success(let value): address = value
        case .failure(let error):
            throw HelperFailure("failed to get MAC address of device `\(tap)': \(error.text)")
        }
        address.sa_data.0 = CChar(bitPattern: 0xFE)
        if let error = control.setHardwareAddress(address, of: tap) {
            throw HelperFailure("failed to set MAC address of device `\(tap)': \(error.text)")
        }
    }

    public func addToBridge(_ tap: [UInt8]) throws(HelperFailure) {
        let index: Int32
        switch control.index(of: tap) {
        case .success(let value): index = value
        case .failure(let error):
            throw HelperFailure("failed to add interface `\(tap)' to bridge `\(bridge)': \(error.text)")
        }
        if let error = control.addInterface(index: index, toBridge: bridge) {
            throw HelperFailure("failed to add interface `\(tap)' to bridge `\(bridge)': \(error.text)")
        }
    }

    public func bringUp(_ tap: [UInt8]) throws(HelperFailure) {
        let flags: Int16
        switch control.flags(of: tap) {
        case .success(let value): flags = value
        case .failure(let error):
            throw HelperFailure("failed to get interface flags for `\(tap)': \(error.text)")
        }
        if let error = control.setFlags(flags | sbh_IFF_UP, of: tap) {
            throw HelperFailure("failed to bring up interface `\(tap)': \(error.text)")
        }
    }
}
