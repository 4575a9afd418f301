import BridgeSystem
@preconcurrency import Glibc

/// Runs a host tool (iptables, nft, dpkg-divert) and captures its standard output.
/// Found only in the system directories, run with a fixed PATH and the C locale, so that
/// its output parses the same everywhere.
struct ExternalCommand {
    static let searchPath = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    let executable: String
    let arguments: [String]

    /// Nil when the tool is not installed.
    init?(_ name: String, _ arguments: [String]) {
        let candidates = Self.searchPath.map { directory in "\(directory)/\(name)" }
        guard let found = candidates.first(where: { path in access(path, X_OK) == 0 }) else { return nil }
        executable = found
        self.arguments = arguments
    }

    struct Output {
        var status: Int32
        var standardOutput: String
    }

    func run() -> Output? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let environment = ["PATH=" + Self.searchPath.joined(separator: ":"), "LC_ALL=C"]
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { text in strdup(text) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { text in strdup(text) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(pipeEnds[1])  // the child holds its copy; EOF comes when it exits
        defer { close(pipeEnds[0]) }
        guard spawned == 0 else { return nil }
        let bytes = (try? FileContents.read(pipeEnds[0]).get()) ?? []
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: exitCode, standardOutput: String(decoding: bytes, as: UTF8.self))
    }
}
