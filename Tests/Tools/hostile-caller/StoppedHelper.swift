import CHostileCallerShim
@preconcurrency import Glibc

/// Bringing the running helper to a halt at a chosen point, and looking at it there.
enum StoppedHelper {
    /// Stops `pid` at `point`; false if it ended first.
    static func stop(_ pid: pid_t, at point: StopPoint, deadline: Double) -> Bool {
        switch point {
        case .exec:
            // The ptrace exec stop (SIGTRAP), then detach leaving a plain SIGSTOP.
            guard waitStopped(pid) == SIGTRAP else { return false }
            return hc_ptrace_detach(pid, SIGSTOP) == 0 && waitStopped(pid) == SIGSTOP
        case .send:
            while now() < deadline {
                if currentSystemCall(pid) == hc_SYS_sendmsg { break }
                if hasEnded(pid) { return false }
                usleep(500)
            }
            kill(pid, SIGSTOP)
            return waitStopped(pid) == SIGSTOP
        case .afterMicroseconds(let delay):
            guard waitStopped(pid) == SIGTRAP, hc_ptrace_detach(pid, 0) == 0 else { return false }
            usleep(delay)
            kill(pid, SIGSTOP)
            return waitStopped(pid) == SIGSTOP
        }
    }

    /// The stop signal, or nil when the process ended instead (it is then not reaped
    /// here: WNOWAIT leaves the status for the final waitpid).
    static func waitStopped(_ pid: pid_t) -> Int32? {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WSTOPPED | WEXITED | WNOWAIT) != 0 {
            if errno != EINTR { return nil }
        }
        guard info.si_code == CLD_STOPPED || info.si_code == CLD_TRAPPED else { return nil }
        var status: Int32 = 0
        _ = waitpid(pid, &status, WUNTRACED)  // consume the stop report
        return info._sifields._sigchld.si_status
    }

    static func hasEnded(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
            && info._sifields._sigchld.si_pid == pid
    }

    /// The number of the system call the process is blocked in (/proc/PID/syscall; root only
    /// for a non-dumpable process), or nil.
    static func currentSystemCall(_ pid: pid_t) -> Int? {
        guard let text = readProcFile(pid, "syscall") else { return nil }
        return Int(text.split(separator: " ").first ?? "")
    }

    /// The privilege lines of /proc/PID/status, for `status_NAME=VALUE` output.
    static func privilegeLines(_ pid: pid_t) -> [(String, String)] {
        let wanted: Set<Substring> = [
            "Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp",
        ]
        guard let text = readProcFile(pid, "status") else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, wanted.contains(parts[0]) else { return nil }
            let value = parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            return (String(parts[0]), value)
        }
    }

    static func readProcFile(_ pid: pid_t, _ name: String) -> String? {
        let fd = open("/proc/\(pid)/\(name)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        while !readAppending(fd, to: &bytes) {}
        return String(decoding: bytes, as: UTF8.self)
    }
}
