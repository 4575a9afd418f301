import BridgeSystem
@preconcurrency import Glibc

/// What the holder of a tap's descriptor can do that the helper cannot forbid (SECURITY.md,
/// "Threat model"): make the tap persistent and its own, so that it stays on the bridge and
/// can be attached again after bridge.conf stops allowing it; and set the tap's MAC, which
/// moves the bridge's own MAC unless an administrator fixed it. Reported for one bridge, or
/// for every bridge when none is named.
struct TapHolderChecks {
    let bridge: String?
    var sysfs = "/sys/class/net"
    /// The interfaces from the kernel (the dump the helper reads), or why they could not be listed.
    var inventory: Result<TapInventory, SystemError> = Self.readInventory()

    static func readInventory() -> Result<TapInventory, SystemError> {
        do throws(SystemError) { return .success(try TapInventory.read()) } catch { return .failure(error) }
    }

    func findings() -> [DoctorFinding] {
        bridges().flatMap { [orphans(on: $0), mac(of: $0)] }
    }

    /// The named bridge, or every bridge this namespace's sysfs shows (a bridge has `bridge/`).
    func bridges() -> [String] {
        if let bridge { return [bridge] }
        return (FileFacts.entries(of: sysfs) ?? []).filter { FileFacts.status("\(sysfs)/\($0)/bridge") != nil }
    }

    func orphans(on bridge: String) -> DoctorFinding {
        let inventory: TapInventory
        switch self.inventory {
        case .success(let read): inventory = read
        case .failure(let error):
            return DoctorFinding(
                "bridge.orphan_taps", .info, "whether taps on `\(bridge)' are left unheld: unknown (\(error.message))")
        }
        let left = inventory.ports(of: bridge).filter(\.isOrphan)
        guard !left.isEmpty else {
            return DoctorFinding(
                "bridge.orphan_taps", .ok, "no persistent tap on `\(bridge)' is left without a process holding it")
        }
        let described = left.map { tap in
            let made = tap.markedUID.map { "made by the helper for uid \($0), " } ?? ""
            return
                "\(tap.name) (\(made)owner \(tap.owner.map { "uid \($0)" } ?? "none")\(tap.group.map { ", group \($0)" } ?? ""))"
        }
        let status: DoctorFinding.Status = inventory.holdersComplete ? .warn : .info
        let held =
            inventory.holdersComplete
            ? "no process holds" : "no process we may look at holds (run as root to see every process)"
        return DoctorFinding(
            "bridge.orphan_taps", status,
            "persistent tap(s) on `\(bridge)' that \(held): \(described.joined(separator: ", ")): they stay on the bridge after QEMU exits, and a tap's owner can attach to it again whatever bridge.conf says now",
            fix: left.map(\.removal).joined(separator: " && "))
    }

    /// NET_ADDR_SET (3) in addr_assign_type: the address was set from user space (ip link,
    /// NetworkManager); otherwise the bridge takes a port's MAC, which a guest controls.
    static let addressSetByAdmin = "3"

    func mac(of bridge: String) -> DoctorFinding {
        let directory = "\(sysfs)/\(bridge)"
        guard FileFacts.firstLine("\(directory)/ifindex") == String(if_nametoindex(bridge)),
            let assignType = FileFacts.firstLine("\(directory)/addr_assign_type"),
            let address = FileFacts.firstLine("\(directory)/address")
        else {
            return DoctorFinding(
                "bridge.mac", .info,
                "whether the MAC of `\(bridge)' is fixed: unknown (/sys shows another network namespace)")
        }
        if assignType == Self.addressSetByAdmin {
            return DoctorFinding("bridge.mac", .ok, "the MAC of `\(bridge)' (\(address)) is fixed")
        }
        return DoctorFinding(
            "bridge.mac", .warn,
            "the MAC of `\(bridge)' (\(address)) is not fixed (addr_assign_type \(assignType)): the bridge takes a port's MAC, so whoever holds a tap's fd can change that tap's MAC and move the bridge's own address",
            fix:
                "ip link set dev \(bridge) address \(address)   # NetworkManager: nmcli connection modify \"$(nmcli -g GENERAL.CONNECTION device show \(bridge))\" bridge.mac-address \(address) (or ethernet.cloned-mac-address)"
        )
    }
}
