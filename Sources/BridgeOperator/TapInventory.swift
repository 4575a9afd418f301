import BridgeSystem
@preconcurrency import Glibc

/// One tap (or tun) device as the kernel sees it now: which bridge it is a port of, whom
/// the helper made it for (its TapMark), whether it outlives its holders (IFF_PERSIST),
/// whom the tun driver lets attach to it (TUNSETOWNER/TUNSETGROUP), and which processes
/// hold it open.
public struct TapDevice: Equatable, Sendable {
    public var name: String
    /// The bridge (or other master) it is a port of; nil when it is on none.
    public var master: String?
    public var persistent: Bool
    /// nil when the kernel records no owner (`-1`): then only CAP_NET_ADMIN may attach.
    public var owner: UInt32?
    public var group: UInt32?
    /// The uid in the helper's TapMark (what `max=` counts); nil when something else made it.
    public var markedUID: UInt32?
    /// Processes with a descriptor of /dev/net/tun attached to this device, by pid.
    public var holders: [TapHolder]

    public init(
        name: String, master: String?, persistent: Bool, owner: UInt32?, group: UInt32?,
        markedUID: UInt32? = nil, holders: [TapHolder]
    ) {
        self.name = name
        self.master = master
        self.persistent = persistent
        self.owner = owner
        self.group = group
        self.markedUID = markedUID
        self.holders = holders
    }

    /// Persistent and held by nobody: left on its bridge after its QEMU exited, to be
    /// attached again by its owner whatever bridge.conf says today.
    public var isOrphan: Bool { persistent && holders.isEmpty }

    /// The helper made it for one uid, and a holder has since given the tun another owner
    /// (TUNSETOWNER needs no privilege on a held fd); the mark still says whose it is.
    public var ownerChanged: Bool { markedUID.map { $0 != owner } ?? false }

    /// What removes it (an orphan has no process to close it).
    public var removal: String { "ip link delete \(name)" }
}

/// A process holding a tap open: usually a QEMU.
public struct TapHolder: Equatable, Sendable {
    public var pid: Int32
    /// /proc/PID/cmdline with its NULs as spaces; empty when it could not be read (gone, or a kernel thread).
    public var command: String

    public init(pid: Int32, command: String) {
        self.pid = pid
        self.command = command
    }
}

/// Every tun/tap device in this network namespace, from live kernel state, with no
/// database to go stale: the interfaces from one RTM_GETLINK dump (LinkTable, the helper's
/// own reading for `max=`), the holders from /proc. Used by `who` and `doctor`.
public struct TapInventory: Sendable {
    public var taps: [TapDevice]
    /// False when some process's descriptors could not be read (not root): then a tap
    /// with no holder listed may still be held.
    public var holdersComplete: Bool
    /// Every interface name in this namespace, to tell an unknown bridge from an empty one.
    public var interfaces: [String]

    public init(taps: [TapDevice], holdersComplete: Bool, interfaces: [String] = []) {
        self.taps = taps
        self.holdersComplete = holdersComplete
        self.interfaces = interfaces
    }

    public func ports(of bridge: String) -> [TapDevice] { taps.filter { $0.master == bridge } }

    /// The interface's own name for `name`, which may be one of its altnames (asked as the
    /// helper asks, BridgeNames); nil when there is no such interface.
    public func interfaceName(for name: String) -> String? {
        if interfaces.contains(name) { return name }
        return (try? BridgeNames.lookUp(Array(name.utf8)))?.kernelName.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads this namespace's interfaces (or its errno: a partial dump is no inventory) and
    /// every /proc/PID/fdinfo.
    public static func read(proc: String = "/proc") throws(SystemError) -> TapInventory {
        inventory(of: try LinkTable.read(), holders: TunHolders.read(proc: proc))
    }

    /// The tun devices of `table`, named and sorted, with their holders.
    static func inventory(of table: LinkTable, holders: TunHolders) -> TapInventory {
        let name = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self) }
        var names: [Int32: String] = [:]
        for link in table.links { names[link.index] = name(link.name) }
        let taps = table.links.compactMap { link -> TapDevice? in
            guard let tun = link.tun else { return nil }
            return TapDevice(
                name: name(link.name), master: link.master.flatMap { names[$0] }, persistent: tun.persistent,
                owner: tun.owner, group: tun.group, markedUID: link.markedUID,
                holders: holders.byInterface[name(link.name), default: []])
        }
        return TapInventory(
            taps: taps.sorted { ($0.master ?? "", $0.name) < ($1.master ?? "", $1.name) },
            holdersComplete: holders.complete, interfaces: table.links.map { name($0.name) }.sorted())
    }
}

/// Which processes hold which tun device: a descriptor of /dev/net/tun (char 10:200,
/// whatever path it was opened by) whose fdinfo has an `iff:` line names the device
/// it is attached to. fdinfo gives only a name, so only processes in this network
/// namespace count: another namespace's `tap0` is another device.
struct TunHolders {
    var byInterface: [String: [TapHolder]] = [:]
    var complete = true

    static func read(proc: String) -> TunHolders {
        var result = TunHolders()
        let ours = FileFacts.status("\(proc)/self/ns/net")
        for entry in FileFacts.entries(of: proc) ?? [] {
            guard let pid = Int32(entry) else { continue }
            guard let fds = FileFacts.entries(of: "\(proc)/\(entry)/fd") else {
                // Gone since the listing, or another user's and we are not root.
                if FileFacts.status("\(proc)/\(entry)") != nil { result.complete = false }
                continue
            }
            if let ours, let theirs = FileFacts.status("\(proc)/\(entry)/ns/net"),
                (theirs.st_dev, theirs.st_ino) != (ours.st_dev, ours.st_ino)
            {
                continue
            }
            var seen: Set<String> = []
            for fd in fds {
                guard let status = FileFacts.status("\(proc)/\(entry)/fd/\(fd)"), FileFacts.isTunDevice(status),
                    let info = FileFacts.text("\(proc)/\(entry)/fdinfo/\(fd)"),
                    let name = interfaceName(fdinfo: info), seen.insert(name).inserted
                else { continue }
                let command = FileFacts.text("\(proc)/\(entry)/cmdline").map(commandLine) ?? ""
                result.byInterface[name, default: []].append(TapHolder(pid: pid, command: command))
            }
        }
        for name in result.byInterface.keys { result.byInterface[name]?.sort { $0.pid < $1.pid } }
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

    /// /proc/PID/cmdline: arguments ended by NULs, shown with spaces between.
    static func commandLine(_ raw: String) -> String {
        raw.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            .reversed().drop { $0.isEmpty }.reversed().joined(separator: " ")
    }
}
