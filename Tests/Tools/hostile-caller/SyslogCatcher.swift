@preconcurrency import Glibc

/// A private stand-in for syslogd: a datagram socket bound where the helper's syslog()
/// connects (the test mounts a private /dev), holding what arrives until we read it.
struct SyslogCatcher {
    let fd: Int32

    init(path: String) {
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8.prefix($0.count - 1)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0, chmod(path, 0o666) == 0 else { fatal("syslog socket \(path)", errno) }
    }

    /// Every datagram received so far, raw (`<PRI>` header included), after waiting up to
    /// `milliseconds` for the first one.
    func drain(waitingUpTo milliseconds: Int32 = 0) -> [[UInt8]] {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&ready, 1, milliseconds) == -1 && errno == EINTR {}
        var messages: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 { return messages }
            messages.append(Array(buffer[..<count]))
        }
    }
}
