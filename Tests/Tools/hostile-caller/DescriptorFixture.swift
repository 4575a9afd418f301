@preconcurrency import Glibc

/// What the hostile caller hands over as `--fd=N`.
enum DescriptorKind: String {
    /// What QEMU passes: one end of an AF_UNIX stream socketpair; we keep the other.
    case socketpair
    /// Nothing at all: the number is closed in the helper.
    case closed
    /// The write end of a pipe.
    case pipe
    /// A regular file, open read-write.
    case file
    /// A unix stream socket that listens (not connected to anyone).
    case listening
    /// One end of an AF_UNIX datagram socketpair (connected, but not a stream).
    case datagram
    /// A stream socketpair whose other end is closed before the helper starts: its final
    /// sendmsg meets EPIPE (and SIGPIPE without MSG_NOSIGNAL).
    case peerClosed = "peer-closed"
    /// An unconnected AF_INET stream socket.
    case inet
}

/// The object for `--fd`, made in the caller; every fd here is close-on-exec, the child
/// duplicates `given` to the requested number.
struct DescriptorFixture {
    /// What the helper gets (nil: nothing, the number stays closed).
    var given: Int32?
    /// Our end, when there is one to receive on.
    var ours: Int32?

    static func make(_ kind: DescriptorKind) -> DescriptorFixture {
        let cloexec = Int32(SOCK_CLOEXEC.rawValue)
        let stream = Int32(SOCK_STREAM.rawValue) | cloexec
        switch kind {
        case .socketpair, .peerClosed, .datagram:
            var pair: [Int32] = [0, 0]
            let type = kind == .datagram ? Int32(SOCK_DGRAM.rawValue) | cloexec : stream
            guard Glibc.socketpair(AF_UNIX, type, 0, &pair) == 0 else { fatal("socketpair", errno) }
            if kind == .peerClosed {
                close(pair[0])
                return DescriptorFixture(given: pair[1], ours: nil)
            }
            return DescriptorFixture(given: pair[1], ours: pair[0])
        case .closed:
            return DescriptorFixture(given: nil, ours: nil)
        case .pipe:
            var ends: [Int32] = [0, 0]
            guard closeOnExecPipe(&ends) else { fatal("pipe", errno) }
            return DescriptorFixture(given: ends[1], ours: ends[0])
        case .file:
            var template = Array("/tmp/hostile-caller.XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0, fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else { fatal("mkstemp", errno) }
            unlink(template)
            return DescriptorFixture(given: fd, ours: nil)
        case .listening:
            let fd = socket(AF_UNIX, stream, 0)
            // An autobound abstract address: nothing on disk to clean up.
            var family = sa_family_t(AF_UNIX)
            guard fd >= 0,
                withUnsafePointer(
                    to: &family,
                    {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            bind(fd, $0, socklen_t(MemoryLayout<sa_family_t>.size))
                        }
                    }) == 0, listen(fd, 1) == 0
            else { fatal("listening socket", errno) }
            return DescriptorFixture(given: fd, ours: nil)
        case .inet:
            let fd = socket(AF_INET, stream, 0)
            guard fd >= 0 else { fatal("inet socket", errno) }
            return DescriptorFixture(given: fd, ours: nil)
        }
    }

    /// Fills the send buffer of the helper's end, so that the helper's sendmsg blocks
    /// until we read. Returns how many filler bytes we will have to skip.
    func fillHelperSendBuffer() -> Int {
        guard let given else { return 0 }
        let flags = fcntl(given, F_GETFL)
        _ = fcntl(given, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(given, F_SETFL, flags) }
        let chunk = [UInt8](repeating: 0xAA, count: 4096)
        var total = 0
        while true {
            let written = chunk.withUnsafeBytes { write(given, $0.baseAddress, $0.count) }
            if written <= 0 { return total }
            total += written
        }
    }
}

/// pipe2(O_CLOEXEC) is GNU-only for Swift's Glibc module; nothing runs between the two calls.
func closeOnExecPipe(_ ends: inout [Int32]) -> Bool {
    pipe(&ends) == 0 && fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0 && fcntl(ends[1], F_SETFD, FD_CLOEXEC) == 0
}

func fatal(_ what: String, _ code: Int32) -> Never {
    fputs("hostile-caller: \(what): \(String(cString: strerror(code)))\n", stderr)
    exit(2)
}
