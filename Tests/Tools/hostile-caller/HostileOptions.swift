@preconcurrency import Glibc

/// Where the hostile caller stops the helper, to look at it or change the world under it.
enum StopPoint: Equatable {
    /// Right after execve, before the helper's first instruction (privileges as the kernel
    /// granted them: nothing dropped yet).
    case exec
    /// Blocked in its final sendmsg (our socket buffer is full): everything is done except
    /// handing over the fd, so its privileges are exactly those it acts with.
    case send
    /// This many microseconds after its execve, wherever it is (for races).
    case afterMicroseconds(UInt32)

    /// Stopped at its execve by ptrace first: the exec stop itself, or the start of a timed
    /// race (timed from fork, a loaded machine's spawn jitter would swallow the helper's
    /// whole run of about a millisecond).
    var startsTracedAtExec: Bool {
        switch self {
        case .exec, .afterMicroseconds: true
        case .send: false
        }
    }
}

/// What the hostile caller does to the helper's start, from its command line.
struct HostileOptions {
    var helper = ""
    var helperArguments = ["--use-vnet", "--fd=@FD", "--br=br0"]
    var emptyArgv = false
    var closeStandard: [Int32] = []
    var descriptor = DescriptorKind.socketpair
    var descriptorNumber: Int32 = 3
    var user: (uid: uid_t, gid: gid_t)?
    var limits: [(resource: Int32, value: UInt)] = []
    var clearEnvironment = false
    var environment: [String] = []
    var hugeEnvironmentBytes = 0
    var repeatedArgument: (count: Int, word: String)?
    var stderrFile: String?
    var stop: StopPoint?
    var printStatus = false
    var whileStopped: [String] = []
    var signalWhileStopped: Int32?
    var syslogSocket: String?
    var syslogWaitMilliseconds: Int32 = 0
    var timeoutSeconds: Int32 = 20

    static let usage = """
        usage: hostile-caller [OPTION ...] HELPER [ARGUMENT ...]   (@FD in an argument = the --fd number)
          --empty-argv               execve with argc 0 (argv = { NULL })
          --close=0,1,2              start the helper with these standard fds closed
          --fd-kind=KIND             socketpair (default) closed pipe file listening datagram peer-closed inet
          --fd-number=N              the fd number the object is given at (default 3)
          --user=UID:GID             run the helper as this user, groups cleared (the caller stays as it is)
          --nofile=N --fsize=BYTES --as=BYTES   resource limits (soft = hard) for the helper
          --clear-env --env=K=V      start from an empty environment; add a variable (repeatable)
          --huge-env=BYTES           add this many bytes of environment
          --repeat-arg=COUNT:WORD    put COUNT copies of WORD before the arguments
          --stderr-file=PATH         the helper's stderr is this regular file instead of a pipe
          --stop-at=exec|send|USEC   stop the helper (SIGSTOP) there; resume with SIGCONT after:
          --status                   print its /proc/PID/status privilege lines
          --while-stopped=COMMAND    run /bin/sh -c COMMAND (repeatable; $HELPER_PID is set)
          --signal=NUMBER            send this signal before SIGCONT
          --syslog=PATH              bind a datagram socket at PATH and print what arrives there
          --syslog-wait=MS           after the helper ended, wait up to MS for a first datagram (a
                                     broker writes a refusal's line after its reply, so after the helper)
          --timeout=SECONDS          kill the helper after this long (default 20)
        """

    static func parse(_ arguments: [String]) -> HostileOptions? {
        var options = HostileOptions()
        var rest = arguments[...]
        while let argument = rest.first, argument.hasPrefix("--") {
            rest = rest.dropFirst()
            let (key, value) = split(argument)
            switch key {
            case "--empty-argv": options.emptyArgv = true
            case "--close": options.closeStandard = value.split(separator: ",").compactMap { Int32($0) }
            case "--fd-kind":
                guard let kind = DescriptorKind(rawValue: value) else { return nil }
                options.descriptor = kind
            case "--fd-number":
                guard let number = Int32(value) else { return nil }
                options.descriptorNumber = number
            case "--user":
                let ids = value.split(separator: ":").compactMap { UInt32($0) }
                guard ids.count == 2 else { return nil }
                options.user = (ids[0], ids[1])
            case "--nofile", "--fsize", "--as":
                guard let limit = UInt(value) else { return nil }
                let resource = key == "--nofile" ? RLIMIT_NOFILE : key == "--fsize" ? RLIMIT_FSIZE : RLIMIT_AS
                options.limits.append((Int32(resource.rawValue), limit))
            case "--clear-env": options.clearEnvironment = true
            case "--env": options.environment.append(value)
            case "--huge-env":
                guard let bytes = Int(value) else { return nil }
                options.hugeEnvironmentBytes = bytes
            case "--repeat-arg":
                let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2, let count = Int(parts[0]) else { return nil }
                options.repeatedArgument = (count, parts[1])
            case "--stderr-file": options.stderrFile = value
            case "--stop-at":
                switch value {
                case "exec": options.stop = .exec
                case "send": options.stop = .send
                default:
                    guard let microseconds = UInt32(value) else { return nil }
                    options.stop = .afterMicroseconds(microseconds)
                }
            case "--status": options.printStatus = true
            case "--while-stopped": options.whileStopped.append(value)
            case "--signal":
                guard let number = Int32(value) else { return nil }
                options.signalWhileStopped = number
            case "--syslog": options.syslogSocket = value
            case "--syslog-wait":
                guard let milliseconds = Int32(value) else { return nil }
                options.syslogWaitMilliseconds = milliseconds
            case "--timeout":
                guard let seconds = Int32(value) else { return nil }
                options.timeoutSeconds = seconds
            default: return nil
            }
        }
        guard let helper = rest.first else { return nil }
        options.helper = helper
        if rest.count > 1 { options.helperArguments = Array(rest.dropFirst()) }
        return options
    }

    static func split(_ argument: String) -> (String, String) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, "") }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// argv for execve, with @FD replaced by the descriptor number.
    var argv: [String] {
        if emptyArgv { return [] }
        let repeated = repeatedArgument.map { Array(repeating: $0.word, count: $0.count) } ?? []
        let substituted = helperArguments.map {
            $0.split(separator: "@FD", omittingEmptySubsequences: false).joined(separator: String(descriptorNumber))
        }
        return [helper] + repeated + substituted
    }

    /// envp for execve: ours (or none), the added variables, and the filler.
    var envp: [String] {
        var result: [String] = []
        if !clearEnvironment {
            var cursor = environ
            while let entry = cursor.pointee {
                result.append(String(cString: entry))
                cursor += 1
            }
        }
        result += environment
        let chunk = 4000
        for index in 0..<(hugeEnvironmentBytes / chunk) {
            result.append("HOSTILE_FILLER_\(index)=" + String(repeating: "x", count: chunk))
        }
        return result
    }
}
