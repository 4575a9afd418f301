import CBridgeShim
@preconcurrency import Glibc

/// One helper run, started exactly as QEMU starts it: an AF_UNIX stream socketpair, the
/// helper spawned as `HELPER --use-vnet --fd=N --br=BR` with only fds 0-2 and N open, one
/// message with one fd expected back, then the child reaped (with its rusage).
struct Invocation {
    let pid: pid_t
    let socket: Int32
    let started: UInt64
    var finished: UInt64 = 0
    var data: [UInt8] = []
    var descriptors: [Int32] = []
    var status: Int32 = -1
    var peakRSSKilobytes = 0
    var problem: String?
    var isDone = false

    /// Starts the helper; nil (after printing why) if it could not even be spawned.
    static func start(helper: String, bridge: String) -> Invocation? {
        let started = monotonicNanoseconds()
        var pair: [Int32] = [0, 0]
        // Both ends close-on-exec, so concurrent siblings never inherit each other's sockets;
        // the file action below clears the flag on the helper's end in the child only.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            fputs("bridge-helper-bench: socketpair: \(String(cString: strerror(errno)))\n", stderr)
            return nil
        }
        let (ours, theirs) = (pair[0], pair[1])
        defer { close(theirs) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, theirs, theirs)
        let words: [String] = [helper, "--use-vnet", "--fd=\(theirs)", "--br=\(bridge)"]
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, helper, &actions, nil, argv, environ)
        guard spawned == 0 else {
            fputs("bridge-helper-bench: cannot run \(helper): \(String(cString: strerror(spawned)))\n", stderr)
            close(ours)
            return nil
        }
        return Invocation(pid: pid, socket: ours, started: started)
    }

    /// Reads what is waiting on the socket (poll said so); at end of file, reaps the child.
    mutating func receive() {
        var buffer = [UInt8](repeating: 0, count: 16)
        let controlSize = sbh_cmsg_space(4 * MemoryLayout<Int32>.size)
        var control = [UInt64](repeating: 0, count: (controlSize + 7) / 8)
        let count = buffer.withUnsafeMutableBytes { bytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlSize
                    let count = recvmsg(socket, &message, Int32(MSG_CMSG_CLOEXEC))
                    if count >= 0 { descriptors += passedDescriptors(&message) }
                    return count
                }
            }
        }
        if count < 0 && errno == EINTR { return }
        if count > 0 { data += buffer[..<count]; return }
        if count < 0 { problem = "recvmsg: \(String(cString: strerror(errno)))" }
        reap()
    }

    private mutating func reap() {
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        finished = monotonicNanoseconds()
        peakRSSKilobytes = usage.ru_maxrss
        close(socket)
        isDone = true
    }

    var nanoseconds: UInt64 { finished - started }
}

/// Every SCM_RIGHTS fd in a received message.
func passedDescriptors(_ message: inout msghdr) -> [Int32] {
    var found: [Int32] = []
    var header = sbh_cmsg_firsthdr(&message)
    while let current = header {
        if current.pointee.cmsg_level == SOL_SOCKET, current.pointee.cmsg_type == Int32(SCM_RIGHTS) {
            let count = (Int(current.pointee.cmsg_len) - sbh_cmsg_len(0)) / MemoryLayout<Int32>.size
            sbh_cmsg_data(current).withMemoryRebound(to: Int32.self, capacity: count) {
                found += UnsafeBufferPointer(start: $0, count: count)
            }
        }
        header = sbh_cmsg_nxthdr(&message, current)
    }
    return found
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
