import CBridgeShim
@preconcurrency import Glibc
import SocketMessage

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
        let (count, message) = SocketMessage.receive(from: socket, capacity: 16, maxDescriptors: 4)
        data += message.data
        descriptors += message.descriptors
        if count < 0 && errno == EINTR { return }
        if count > 0 { return }
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

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
