@preconcurrency import Glibc

/// One tap (or tun) device as the kernel sees it now: which bridge it is a port of,
/// whether it outlives its holders (IFF_PERSIST), whom the kernel lets attach to it
/// (TUNSETOWNER/TUNSETGROUP), and which processes hold it open.
public struct TapDevice: Equatable, Sendable {
    public var name: String
    /// The bridge (or other master) it is a port of; nil when it is on none.
    public var master: String?
    public var persistent: Bool
    /// nil when the kernel records no owner (`-1`): then only CAP_NET_ADMIN may attach.
    public var owner: UInt32?
    public var group: UInt32?
    /// Processes with a descriptor of /dev/net/tun attached to this device, ascending.
    public var holders: [Int32]

    public init(name: String, master: String?, persistent: Bool, owner: UInt32?, group: UInt32?, holders: [Int32]) {
        self.name = name
        self.master = master
        self.persistent = persistent
        self.owner = owner
        self.group = group
        self.holders = holders
    }

    /// Persistent and held by nobody: left on its bridge after its QEMU exited, to be
    /// attached again by its owner whatever bridge.conf says today.
    public var isOrphan: Bool { persistent && holders.isEmpty }
}

/// Every tun/tap device in this network namespace, read from live kernel state (sysfs
/// and /proc), with no database to go stale. Used by `doctor` and, later, `who`.
public struct TapInventory: Sendable {
    public var taps: [TapDevice]
    /// False when some process's descriptors could not be read (not root): then a tap
    /// with no holder listed may still be held.
    public var holdersComplete: Bool

    public init(taps: [TapDevice], holdersComplete: Bool) {
        self.taps = taps
        self.holdersComplete = holdersComplete
    }

    public func ports(of bridge: String) -> [TapDevice] { taps.filter { $0.master == bridge } }

    /// Reads sysfs (which must be this namespace's: entries whose ifindex differs from what
    /// the kernel tells this process are left out) and every /proc/PID/fdinfo.
    public static func read(sysfs: String = "/sys/class/net", proc: String = "/proc") -> TapInventory {
        let holders = TunHolders.read(proc: proc)
        var taps: [TapDevice] = []
        for name in FileFacts.entries(of: sysfs) ?? [] {
            let directory = "\(sysfs)/\(name)"
            guard let flags = FileFacts.firstLine("\(directory)/tun_flags").flatMap(TunFlags.init(sysfs:)),
                FileFacts.firstLine("\(directory)/ifindex") == String(if_nametoindex(name))
            else { continue }
            let master = FileFacts.realPath("\(directory)/master").map { String($0.split(separator: "/").last ?? "") }
            taps.append(
                TapDevice(
                    name: name, master: master, persistent: flags.persistent,
                    owner: FileFacts.firstLine("\(directory)/owner").flatMap(Self.id),
                    group: FileFacts.firstLine("\(directory)/group").flatMap(Self.id),
                    holders: holders.byInterface[name, default: []].sorted()))
        }
        return TapInventory(taps: taps, holdersComplete: holders.complete)
    }

    /// sysfs writes `-1` for no owner, else the uid or gid in decimal.
    static func id(_ text: String) -> UInt32? { text == "-1" ? nil : UInt32(text) }
}

/// /sys/class/net/DEV/tun_flags: the device's IFF_* flags in hex (`0x1802`).
struct TunFlags: Equatable {
    var raw: UInt32
    static let persist: UInt32 = 0x0800  // IFF_PERSIST, linux/if_tun.h

    init(raw: UInt32) { self.raw = raw }
    init?(sysfs text: String) {
        guard text.hasPrefix("0x"), let value = UInt32(text.dropFirst(2), radix: 16) else { return nil }
        raw = value
    }

    var persistent: Bool { raw & Self.persist != 0 }
}

/// Which processes hold which tun device: a descriptor of /dev/net/tun (char 10:200,
/// whatever path it was opened by) whose fdinfo has an `iff:` line names the device
/// it is attached to.
struct TunHolders {
    var byInterface: [String: [Int32]] = [:]
    var complete = true

    static func read(proc: String) -> TunHolders {
        var result = TunHolders()
        for entry in FileFacts.entries(of: proc) ?? [] {
            guard let pid = Int32(entry) else { continue }
            guard let fds = FileFacts.entries(of: "\(proc)/\(entry)/fd") else {
                // Gone since the listing, or another user's and we are not root.
                if FileFacts.status("\(proc)/\(entry)") != nil { result.complete = false }
                continue
            }
            var seen: Set<String> = []
            for fd in fds {
                guard let status = FileFacts.status("\(proc)/\(entry)/fd/\(fd)"), FileFacts.isTunDevice(status),
                    let info = FileFacts.text("\(proc)/\(entry)/fdinfo/\(fd)"),
                    let name = interfaceName(fdinfo: info), seen.insert(name).inserted
                else { continue }
                result.byInterface[name, default: []].append(pid)
            }
        }
        return result
    }

    /// The tun driver's fdinfo line `iff:\tNAME` (only once TUNSETIFF attached it).
    static func interfaceName(fdinfo: String) -> String? {
        for line in fdinfo.split(separator: "\n") where line.hasPrefix("iff:") {
            let name = String(line.dropFirst(4)).trimmingBlanks()
            return name.isEmpty ? nil : name
        }
        return nil
    }
}
