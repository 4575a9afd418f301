import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The port settings of the allow rule (`vlan=`, `isolated`), made over rtnetlink.
/// `prepare` runs before the tap exists and checks what it can (a VLAN needs a bridge with
/// vlan_filtering); `apply` runs after SIOCBRADDIF and before the tap is brought up, so no
/// frame ever crosses the port before it is in its VLAN and isolated.
struct PortSetup<Calls: PrivilegedCalls> {
    let settings: RuleOptions
    let bridge: BridgeAttachment<Calls>
    let netlink: Calls.Netlink
    /// The VLAN the kernel gives every new port of this bridge (normally 1), which the
    /// port must leave: it belongs to `settings.vlan` alone.
    let defaultPVID: UInt16

    var calls: Calls { bridge.calls }

    /// nil when the rule asks for nothing beyond the C helper. `bridgeIndex` is asked only when
    /// a rule needs it (PrivilegedActs).
    static func prepare(
        for decision: Decision, bridge: BridgeAttachment<Calls>, netlink: Calls.Netlink,
        bridgeIndex: () throws(HelperFailure) -> Int32
    ) throws(HelperFailure) -> PortSetup? {
        let settings = decision.portSettings
        guard settings.hasPortSettings, case .allowed(let rule) = decision else { return nil }
        var defaultPVID: UInt16 = 0
        if settings.vlan != nil {
            let index = try bridgeIndex()
            let vlan: BridgeVLANSettings
            do { vlan = try bridge.calls.vlanSettings(ofBridge: index, netlink) } catch {
                throw HelperFailure("failed to read the VLAN settings of bridge `\(bridge.bridge)': \(error.text)")
            }
            guard vlan.filtering else {
                throw HelperFailure(
                    "bridge `\(bridge.bridge)' does not have vlan_filtering enabled (needed by the rule at \(rule.location.message))",
                    hints: [
                        "enable it with: ip link set \(bridge.bridge) type bridge vlan_filtering 1",
                        "nothing was created",
                    ])
            }
            defaultPVID = vlan.defaultPVID
        }
        return PortSetup(settings: settings, bridge: bridge, netlink: netlink, defaultPVID: defaultPVID)
    }

    /// After SIOCBRADDIF, before the tap is up. Every step is acknowledged by the kernel.
    func apply(to tap: [UInt8], index: Int32) throws(HelperFailure) {
        if let vlan = settings.vlan {
            do { try calls.setPortVLAN(vlan, ofPort: index, netlink) } catch {
                throw HelperFailure(
                    "failed to put interface `\(tap)' in VLAN \(Int(vlan)) of bridge `\(bridge.bridge)': \(error.text)")
            }
            if defaultPVID != 0 && defaultPVID != vlan {
                do { try calls.removePortVLAN(defaultPVID, ofPort: index, netlink) } catch {
                    throw HelperFailure(
                        "failed to remove VLAN \(Int(defaultPVID)) from interface `\(tap)': \(error.text)")
                }
            }
        }
        if settings.isolated {
            do { try calls.isolatePort(index, netlink) } catch {
                throw HelperFailure("failed to isolate interface `\(tap)' on bridge `\(bridge.bridge)': \(error.text)")
            }
        }
    }

    /// For the audit line: `vlan=10 isolated`.
    var message: Message { settings.portSettingsMessage }
}
