import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Who is at the other end of a broker connection, as the kernel recorded it when the client
/// connected (SO_PEERCRED, SO_PEERGROUPS): nothing the client says about itself is used.
public struct BrokerPeer: Sendable {
    public var pid: pid_t
    public var identity: CallerIdentity

    public static func of(_ connection: VarlinkConnection) throws(SystemError) -> BrokerPeer {
        var (pid, uid, gid): (pid_t, uid_t, gid_t) = (0, 0, 0)
        try connection.socket.syscall("getsockopt(SO_PEERCRED)") { sbh_peer_credentials($0, &pid, &uid, &gid) }
        return BrokerPeer(
            pid: pid,
            identity: CallerIdentity(uid: uid, gid: gid, supplementaryGroups: try groups(of: connection.socket)))
    }

    /// SO_PEERGROUPS: ERANGE with the length needed when the first guess is short.
    static func groups(of socket: Descriptor) throws(SystemError) -> [gid_t] {
        var groups = [gid_t](repeating: 0, count: 64)
        while true {
            var length = socklen_t(groups.count * MemoryLayout<gid_t>.size)
            do {
                try socket.syscall("getsockopt(SO_PEERGROUPS)") {
                    getsockopt($0, SOL_SOCKET, sbh_SO_PEERGROUPS, &groups, &length)
                }
                return Array(groups.prefix(Int(length) / MemoryLayout<gid_t>.size))
            } catch  where error.errno == ERANGE && Int(length) > groups.count * MemoryLayout<gid_t>.size {
                groups = [gid_t](repeating: 0, count: Int(length) / MemoryLayout<gid_t>.size)
            }
        }
    }

    /// The broker makes taps in its own network namespace only: a client in another one
    /// (a container, `unshare -n`) would get a port on a bridge it cannot see. The links
    /// /proc/PID/ns/net name the namespace (`net:[INODE]`); they are read as the caller (after
    /// the switch), so that only the caller's own processes are readable, and with readlink,
    /// not stat: the namespace itself is outside every mount, and AppArmor refuses to name it.
    /// A namespace that cannot be read refuses.
    public func checkSameNetworkNamespace() throws(HelperFailure) {
        let ours: [UInt8]
        let theirs: [UInt8]
        do { ours = try Self.namespace(of: "/proc/self/ns/net") } catch {
            throw HelperFailure("failed to read the broker's network namespace: \(error.text)")
        }
        do { theirs = try Self.namespace(of: "/proc/\(Int(pid))/ns/net") } catch {
            throw HelperFailure(
                "failed to read the network namespace of the caller (pid \(Int(pid))): \(error.text)",
                hints: ["nothing was created"])
        }
        guard ours == theirs else {
            throw HelperFailure(
                "the caller (pid \(Int(pid))) is in another network namespace than the broker",
                hints: ["the broker makes taps in the host's network namespace only; nothing was created"])
        }
    }

    static func namespace(of path: Message) throws(SystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = try withCString(path.bytes) { (path) throws(SystemError) in
            try syscall("readlink") {
                buffer.withUnsafeMutableBytes {
                    readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                }
            }
        }
        return Array(buffer[..<length])
    }
}
