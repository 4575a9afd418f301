import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The broker's listening socket, as systemd (or `systemd-socket-activate`) passes it, and the
/// loop that gives each connection a child of its own (BrokerSession) and exits when idle:
/// the socket unit starts the service again on the next connection.
public struct BrokerListener {
    let socket: Descriptor

    /// sd_listen_fds(3)'s protocol: LISTEN_PID is ours and LISTEN_FDS is 1, so fd 3 is the
    /// socket; it must be a listening unix stream socket. The environment is systemd's (the
    /// service is never run by a user), so reading it is safe.
    public static func fromSocketActivation() throws(HelperFailure) -> BrokerListener {
        guard let pid = environment("LISTEN_PID"), pid == Message("\(Int(getpid()))").bytes,
            environment("LISTEN_FDS") == Array("1".utf8)
        else {
            throw HelperFailure(
                "swift-bridge-helperd: no listening socket was passed (LISTEN_PID, LISTEN_FDS)",
                hints: [
                    "it is started by swift-bridge-helper.socket; to try it by hand: systemd-socket-activate -l PATH swift-bridge-helperd"
                ])
        }
        let option = { (name: Int32) in CallerSocket.option(3, name) }
        guard option(SO_DOMAIN) == AF_UNIX, option(SO_TYPE) == Int32(SOCK_STREAM.rawValue), option(SO_ACCEPTCONN) == 1
        else {
            throw HelperFailure("swift-bridge-helperd: fd 3 is not a listening unix stream socket (Accept=no)")
        }
        let socket = Descriptor(owning: 3)
        do {
            try socket.syscall("fcntl(F_SETFD)") { fcntl($0, F_SETFD, FD_CLOEXEC) }
            // Non-blocking: a connection that went away between poll and accept is EAGAIN, not a hang.
            try socket.syscall("fcntl(F_SETFL)") { fcntl($0, F_SETFL, O_NONBLOCK) }
        } catch {
            throw HelperFailure("swift-bridge-helperd: cannot set up the listening socket: \(error.message)")
        }
        return BrokerListener(socket: socket)
    }

    static func environment(_ name: String) -> [UInt8]? {
        guard let value = getenv(name) else { return nil }
        return Array(
            UnsafeBufferPointer(
                start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
    }

    /// Accepts until no client has come and no child has run for `idleSeconds`; at most
    /// `maximumChildren` at once (the rest wait in the socket's backlog). Never returns.
    public func run(idleSeconds: Int, maximumChildren: Int) -> Never {
        var children = 0
        var lastActivity = now()
        while true {
            var status: Int32 = 0
            while waitpid(-1, &status, WNOHANG) > 0 {
                children -= 1
                lastActivity = now()
            }
            if children == 0 && now() - lastActivity >= idleSeconds { exit(0) }
            // With every child slot taken, wait for a child rather than for a client.
            var ready = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let readable =
                children < maximumChildren
                && ((try? socket.syscall("poll") { fd in
                    ready.fd = fd
                    return poll(&ready, 1, 200)
                }) ?? 0) > 0
            guard readable else {
                if children >= maximumChildren { usleep(20_000) }
                continue
            }
            guard let connection = try? socket.syscall("accept4", { sbh_accept_cloexec($0) })
            else { continue }  // EAGAIN, ECONNABORTED: that client is gone
            let client = Descriptor(owning: connection)
            lastActivity = now()
            switch fork() {
            case 0:
                // The child: one client, a bounded life, then out (its tap, unless handed over,
                // closes with it). It never holds the listening socket: a child that runs as
                // one user must not be able to accept another user's connection.
                _ = try? socket.syscall("close") { close($0) }
                alarm(BrokerSession.lifetimeSeconds)
                exit(BrokerSession.serve(VarlinkConnection(client)))
            case -1:
                StandardStreams.printError("swift-bridge-helperd: fork: \(errorText(errno)): a client was turned away")
            default:
                children += 1
            }
        }
    }

    func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec
    }
}
