import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// One interface of this network namespace as rtnetlink lists it.
public struct LinkEntry: Equatable, Sendable {
    public var index: Int32
    public var name: [UInt8]
    /// The bridge (or other master) it is a port of, by index; nil when none.
    public var master: Int32?
    /// IFLA_IFALIAS; empty when it has none. The helper's taps carry a TapMark.
    public var alias: [UInt8]
    /// Present for a tun or tap device.
    public var tun: TunFacts?

    public init(index: Int32, name: [UInt8], master: Int32?, alias: [UInt8], tun: TunFacts?) {
        self.index = index
        self.name = name
        self.master = master
        self.alias = alias
        self.tun = tun
    }

    /// The uid of the caller the helper made this tap for (its TapMark); nil for any other interface.
    public var markedUID: UInt32? { tun == nil ? nil : TapMark.uid(inAlias: alias) }
}

/// What the tun driver reports of a device (IFLA_INFO_DATA of kind `tun`).
public struct TunFacts: Equatable, Sendable {
    /// TUNSETOWNER/TUNSETGROUP; nil when unset. Whoever holds the fd may change them.
    public var owner: UInt32?
    public var group: UInt32?
    public var isTap: Bool
    /// IFF_PERSIST: it outlives its last fd.
    public var persistent: Bool

    public init(owner: UInt32?, group: UInt32?, isTap: Bool, persistent: Bool) {
        self.owner = owner
        self.group = group
        self.isTap = isTap
        self.persistent = persistent
    }
}

/// Every interface in the caller's network namespace, from one RTM_GETLINK dump: live
/// kernel state, with no database to go stale, and no sysfs (which shows the namespace it
/// was mounted in, not necessarily ours). Read by the helper for `max=`, and by the
/// operator tool for `explain`, `who` and `doctor`.
public struct LinkTable: Equatable, Sendable {
    public var links: [LinkEntry]

    public init(links: [LinkEntry]) { self.links = links }

    /// A dump in full, or its errno: a table with a gap is no count.
    public static func read() throws(SystemError) -> LinkTable { try read(RouteNetlink.open()) }

    static func read(_ netlink: RouteNetlink) throws(SystemError) -> LinkTable {
        let headerSize = RouteNetlink.aligned(MemoryLayout<ifinfomsg>.size, to: sbh_NLMSG_ALIGNTO)
        var links: [LinkEntry] = []
        for reply in try netlink.dump(sbh_RTM_GETLINK, family: AF_UNSPEC) {
            guard reply.count >= headerSize, let entry = parse(reply, headerSize: headerSize) else {
                throw SystemError(call: "netlink", errno: EIO)
            }
            links.append(entry)
        }
        return LinkTable(links: links)
    }

    static func parse(_ reply: ArraySlice<UInt8>, headerSize: Int) -> LinkEntry? {
        let header = reply.withUnsafeBytes { $0.loadUnaligned(as: ifinfomsg.self) }
        guard let attributes = NetlinkAttribute.parse(reply.dropFirst(headerSize)),
            let name = attributes[sbh_IFLA_IFNAME].map(NetlinkAttribute.string)
        else { return nil }
        let master = attributes[sbh_IFLA_MASTER].flatMap(Self.uint32).map { Int32(bitPattern: $0) }
        var tun: TunFacts?
        if let info = attributes[sbh_IFLA_LINKINFO].flatMap(NetlinkAttribute.parse),
            info[sbh_IFLA_INFO_KIND].map(NetlinkAttribute.string) == Array("tun".utf8)
        {
            let data = info[sbh_IFLA_INFO_DATA].flatMap(NetlinkAttribute.parse) ?? [:]
            // The driver writes -1 for no owner or group; IFF_TAP is 0x0002.
            let id = { (type: UInt16) in data[type].flatMap(Self.uint32).flatMap { $0 == UInt32.max ? nil : $0 } }
            tun = TunFacts(
                owner: id(sbh_IFLA_TUN_OWNER), group: id(sbh_IFLA_TUN_GROUP),
                isTap: data[sbh_IFLA_TUN_TYPE].map { $0.first == UInt8(sbh_IFF_TAP) } ?? false,
                persistent: data[sbh_IFLA_TUN_PERSIST].map { $0.first == 1 } ?? false)
        }
        return LinkEntry(
            index: header.ifi_index, name: name, master: master == 0 ? nil : master,
            alias: attributes[sbh_IFLA_IFALIAS].map(NetlinkAttribute.string) ?? [], tun: tun)
    }

    static func uint32(_ payload: ArraySlice<UInt8>) -> UInt32? {
        payload.count >= 4 ? payload.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } : nil
    }

    public func link(named name: [UInt8]) -> LinkEntry? { links.first { $0.name == name } }

    /// The ports of bridge `index`.
    public func ports(of index: Int32) -> [LinkEntry] { links.filter { $0.master == index } }

    /// The taps on bridge `index` the helper made for `uid`: what `max=` counts.
    public func taps(of uid: UInt32, onBridge index: Int32) -> [LinkEntry] {
        ports(of: index).filter { $0.markedUID == uid }
    }
}
