@preconcurrency import Glibc

/// `width` invocations of one helper at once, as when that many VMs start together.
/// Each is timed from its own socketpair to its own reap; the taps stay open (`taps`)
/// until the caller closes them, outside the timed section.
struct Batch {
    var invocations: [Invocation] = []
    var failures = 0
    var taps: [Int32] = []
    var wallNanoseconds: UInt64 = 0

    static func run(helper: String, bridge: String, width: Int) -> Batch {
        var batch = Batch()
        let began = monotonicNanoseconds()
        for _ in 0..<width {
            if let invocation = Invocation.start(helper: helper, bridge: bridge) {
                batch.invocations.append(invocation)
            } else {
                batch.failures += 1
            }
        }
        batch.collect()
        batch.wallNanoseconds = monotonicNanoseconds() - began
        batch.judge()
        return batch
    }

    /// Polls every unfinished socket until each helper has closed its end and been reaped.
    private mutating func collect() {
        while true {
            let pending = invocations.indices.filter { !invocations[$0].isDone }
            if pending.isEmpty { return }
            var entries = pending.map { pollfd(fd: invocations[$0].socket, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&entries, nfds_t(entries.count), 60_000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                fputs("bridge-helper-bench: \(pending.count) helper(s) silent for 60 s; killing them\n", stderr)
                for index in pending {
                    kill(invocations[index].pid, SIGKILL)
                    invocations[index].problem = "no answer within 60 s"
                }
                continue
            }
            for (entry, index) in zip(entries, pending) where entry.revents != 0 {
                invocations[index].receive()
            }
        }
    }

    /// A success is what QEMU accepts: exit 0, one byte 0x00, exactly one fd, and that fd a tap.
    private mutating func judge() {
        for invocation in invocations {
            let exitedCleanly = invocation.status & 0x7f == 0 && (invocation.status >> 8) & 0xff == 0
            let tap = invocation.descriptors.count == 1 && isTap(invocation.descriptors[0])
            taps += invocation.descriptors
            if invocation.problem != nil || !exitedCleanly || invocation.data != [0] || !tap {
                failures += 1
                fputs(
                    "bridge-helper-bench: failed invocation: status=\(invocation.status) data=\(invocation.data) fds=\(invocation.descriptors.count) \(invocation.problem ?? "")\n",
                    stderr)
            }
        }
    }
}
