// hostile-caller: plays an adversarial QEMU against a bridge helper (tests only) and
// reports what happened, one `key=value` per line, like bridge-helper-probe:
//   exec_errno=N            execve itself failed (nothing ran)
//   stopped=0|1             with --stop-at: whether the helper was caught there
//   status_NAME=VALUE       with --status: /proc/PID/status privilege lines while stopped
//   exit=N | signal=N       how the helper ended; timeout=1 if we had to kill it
//   fds=N data=HEX tap=NAME what came back over the socket (filler bytes of --stop-at=send skipped)
//   stderr=LINE             each line the helper wrote to stderr (\xHH escapes)
//   syslog=RAW              each datagram that reached --syslog=PATH
// Run it as root: it can then stop and inspect the helper; `--user` makes the helper's
// caller unprivileged. See HostileOptions.usage for every option.
@preconcurrency import Glibc

guard let options = HostileOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
    fputs(HostileOptions.usage + "\n", stderr)
    exit(2)
}
signal(SIGPIPE, SIG_IGN)

let fixture = DescriptorFixture.make(options.descriptor)
let filler = options.stop == .send ? fixture.fillHelperSendBuffer() : 0
let syslogCatcher = options.syslogSocket.map { SyslogCatcher(path: $0) }
var stderrPipe: [Int32] = [-1, -1]
var reportPipe: [Int32] = [-1, -1]
guard closeOnExecPipe(&stderrPipe), closeOnExecPipe(&reportPipe) else { fatal("pipe", errno) }
// Out of the way of the numbers the helper is given.
let execReport = fcntl(reportPipe[1], F_DUPFD_CLOEXEC, 900)
close(reportPipe[1])

let launch = HelperLaunch(
    options: options, fixture: fixture, stderrWrite: options.stderrFile == nil ? stderrPipe[1] : nil,
    execReport: execReport)
let pid = launch.start()
let deadline = now() + Double(options.timeoutSeconds)
close(execReport)
close(stderrPipe[1])
if let given = fixture.given { close(given) }

var execErrno: Int32 = 0
if read(reportPipe[0], &execErrno, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size {
    print("exec_errno=\(execErrno)")
}

if let point = options.stop {
    let stopped = StoppedHelper.stop(pid, at: point, deadline: deadline)
    print("stopped=\(stopped ? 1 : 0)")
    if stopped {
        if options.printStatus {
            for (name, value) in StoppedHelper.privilegeLines(pid) { print("status_\(name)=\(value)") }
        }
        fflush(stdout)
        setenv("HELPER_PID", String(pid), 1)
        for command in options.whileStopped {
            var child: pid_t = 0
            let argv = CStringArray(["/bin/sh", "-c", command])
            if posix_spawn(&child, "/bin/sh", nil, nil, argv.pointers, environ) == 0 {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            }
        }
        if let signal = options.signalWhileStopped { kill(pid, signal) }
        kill(pid, SIGCONT)
    }
}

var observation = Observation()
let helperSocket = options.descriptor == .socketpair ? fixture.ours : nil
if !observation.collect(
    socket: helperSocket, stderrPipe: options.stderrFile == nil ? stderrPipe[0] : nil, deadline: deadline)
{
    print("timeout=1")
    kill(pid, SIGKILL)
}
var status: Int32 = 0
while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
print(status & 0x7f == 0 ? "exit=\((status >> 8) & 0xff)" : "signal=\(status & 0x7f)")
print("fds=\(observation.descriptors.count)")
print("data=\(escaped(observation.data.dropFirst(filler)))")
if let tap = observation.tapName { print("tap=\(tap)") }
for line in observation.stderr.split(separator: UInt8(ascii: "\n")) { print("stderr=\(escaped(line))") }
for message in syslogCatcher?.drain(waitingUpTo: options.syslogWaitMilliseconds) ?? [] {
    print("syslog=\(escaped(message))")
}
exit(0)
