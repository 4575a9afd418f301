import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Every name of the interface the caller asked for. The kernel resolves alternative names
/// (`ip link property add dev br-secure altname storage0`) wherever it looks a name up,
/// ioctls included, so `--br=storage0` acts on br-secure: the decision must see both names,
/// or `deny br-secure` could be walked around (the C helper's hole, as with `br0:1`).
///
/// Asked once, over rtnetlink (RTM_GETLINK by name): it answers with the kernel's own name
/// and every alternative name, and unlike the ioctls' lookup it never asks the kernel to
/// load a `netdev-NAME` module on the caller's behalf.
public struct BridgeNames: Sendable {
    /// As given in `--br=`.
    public var requested: [UInt8]
    /// The interface's own name; nil when there is no such interface here (the first act
    /// then fails with the C helper's message).
    public var kernelName: [UInt8]?
    public var alternativeNames: [[UInt8]] = []

    /// The names a `deny` may use for this interface besides the one requested.
    public var otherNames: [[UInt8]] {
        ([kernelName].compactMap { $0 } + alternativeNames).filter { $0 != requested }
    }

    /// The name every privileged act uses from now on: the interface's own.
    public var actingName: [UInt8] { kernelName ?? requested }

    /// For the audit line: `storage0 (br-secure)` when the caller used another name.
    public var logged: [UInt8] {
        guard let kernelName, kernelName != requested else { return requested }
        return requested + Array(" (".utf8) + kernelName + [UInt8(ascii: ")")]
    }

    public static func lookUp(_ requested: [UInt8]) throws(HelperFailure) -> BridgeNames {
        do { return try ask(requested) } catch { throw lookUpFailure(requested, error) }
    }

    /// How the helper stops when the names cannot be asked for (`explain` shows the same).
    public static func lookUpFailure(_ requested: [UInt8], _ error: SystemError) -> HelperFailure {
        HelperFailure("failed to look up interface `\(requested)': \(error.text)", hints: ["nothing was created"])
    }

    static func ask(_ requested: [UInt8]) throws(SystemError) -> BridgeNames {
        let netlink = try RouteNetlink.open()
        let name = NetlinkAttribute.make(sbh_IFLA_IFNAME, requested + [0])
        let replies: [ArraySlice<UInt8>]
        do { replies = try netlink.request(sbh_RTM_GETLINK, family: AF_UNSPEC, index: 0, attributes: name) } catch
            where error.errno == ENODEV
        { return BridgeNames(requested: requested) }
        let headerSize = RouteNetlink.aligned(MemoryLayout<ifinfomsg>.size, to: sbh_NLMSG_ALIGNTO)
        guard let reply = replies.first, reply.count >= headerSize,
            let link = NetlinkAttribute.list(reply.dropFirst(headerSize)),
            let own = link.first(where: { $0.type == sbh_IFLA_IFNAME })
        else { throw SystemError(call: "netlink", errno: EIO) }
        var names = BridgeNames(requested: requested, kernelName: NetlinkAttribute.string(own.payload))
        for property in link where property.type == sbh_IFLA_PROP_LIST {
            guard let entries = NetlinkAttribute.list(property.payload) else {
                throw SystemError(call: "netlink", errno: EIO)
            }
            names.alternativeNames += entries.filter { $0.type == sbh_IFLA_ALT_IFNAME }.map {
                NetlinkAttribute.string($0.payload)
            }
        }
        return names
    }
}
