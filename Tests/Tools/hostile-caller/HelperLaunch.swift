import CBridgeShim
import CHostileCallerShim
@preconcurrency import Glibc

/// Starts the helper the hostile way: fork, then in the child only async-signal-safe
/// calls on memory prepared before the fork (this program has one thread).
struct HelperLaunch {
    let options: HostileOptions
    let fixture: DescriptorFixture
    /// The child's stderr goes here (a pipe's write end), unless a file was asked for.
    let stderrWrite: Int32?
    /// The child writes its execve errno here; close-on-exec, so success reads as EOF.
    let execReport: Int32

    /// Returns the child's pid.
    func start() -> pid_t {
        let argv = CStringArray(options.argv)
        let envp = CStringArray(options.envp)
        let stderrPath = options.stderrFile.map { CStringArray([$0]) }
        let helperPath = CStringArray([options.helper])
        let pid = fork()
        if pid < 0 { fatal("fork", errno) }
        if pid > 0 { return pid }

        func die(_ code: Int32) -> Never {
            var value = code
            _ = write(execReport, &value, MemoryLayout<Int32>.size)
            _exit(127)
        }
        // Before the uid change: the kernel records the tracer's credentials as ours now
        // (root), so that the exec under trace still gets setuid / file capabilities.
        if options.stop?.startsTracedAtExec == true, hc_ptrace_traceme() != 0 { die(errno) }
        if let user = options.user {
            guard setgroups(0, nil) == 0, sbh_setresgid(user.gid, user.gid, user.gid) == 0,
                sbh_setresuid(user.uid, user.uid, user.uid) == 0
            else { die(errno) }
        }
        if let stderrPath {
            let fd = open(stderrPath.pointers[0]!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0, dup2(fd, 2) == 2 else { die(errno) }
        } else if let stderrWrite {
            guard dup2(stderrWrite, 2) == 2 else { die(errno) }
        }
        for fd in options.closeStandard { close(fd) }
        let target = options.descriptorNumber
        if let given = fixture.given {
            if given == target {
                _ = fcntl(given, F_SETFD, 0)
            } else if dup2(given, target) != target {
                die(errno)
            }
        } else {
            close(target)
        }
        // As QEMU does: nothing but 0-2 and the socket reaches the helper.
        for fd in Int32(3)..<1024 where fd != target && fd != execReport { close(fd) }
        for limit in options.limits {
            var value = rlimit(rlim_cur: rlim_t(limit.value), rlim_max: rlim_t(limit.value))
            guard setrlimit(__rlimit_resource_t(UInt32(limit.resource)), &value) == 0 else { die(errno) }
        }
        execve(helperPath.pointers[0]!, argv.pointers, envp.pointers)
        die(errno)
    }
}

/// A NULL-terminated array of C strings that lives as long as this value.
final class CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    deinit { pointers.forEach { free($0) } }
}
