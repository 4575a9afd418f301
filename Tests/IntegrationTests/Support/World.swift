import Foundation

@testable import DifferentialTable

/// A private, disposable test world: scripts/with-world's own mount and network namespace
/// with its bridges, private /etc/qemu and 0666 /dev/net/tun, torn down when the script ends.
/// Each test (or table case) makes its own, so cases never see each other's taps or files.
///
/// Inside, four privileged copies are ready in $WORLD/bin: `ours-cap`, `ours-suid` (ours,
/// cap_net_admin+ep and setuid root) and `c-cap`, `c-suid` (Debian's C helper); the broker
/// (swift-bridge-helperd under systemd-socket-activate, started from `/` as systemd starts a
/// service, and stopped when the script ends) with `ours-broker`, a copy with no privilege
/// that forwards to it; and `probe LABEL HELPER [ARG...]` runs the probe as the caller
/// (`RUN_AS`, default uid/gid 65534) with stdin on /dev/null, keeping what it saw for
/// `WorldRun.probe(LABEL)`.
struct World: Sendable {
    typealias Bridge = WorldBridge

    var bridges: [Bridge] = [Bridge("br0")]
    /// Interfaces that exist but are not bridges.
    var veths: [String] = []
    var files: [WorldFile] = []

    static let prelude = """
        set -euo pipefail
        cd "$WORLD/tmp"
        world_install "$SBH_BIN_DIR/swift-bridge-helper" ours
        world_install /usr/lib/qemu/qemu-bridge-helper c
        install -m 0755 "$SBH_BIN_DIR/bridge-helper-probe" "$WORLD/bin/probe"
        # The broker must never outlive the world: its process would keep the namespaces alive.
        # SIGKILL: systemd-socket-activate blocks every other signal and the daemon inherits that.
        trap 'kill -KILL "$(cat "$WORLD/tmp/broker.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
        (cd / && world_start_broker "$SBH_BIN_DIR/swift-bridge-helperd" "$SBH_BIN_DIR/swift-bridge-helper" ours)
        RUN_AS=(as_user)
        probe() {  # LABEL HELPER [ARG...]
            local label=$1 helper=$2
            shift 2
            "${RUN_AS[@]}" "$WORLD/bin/probe" "$WORLD/bin/$helper" "$@" \\
                </dev/null >"$OUT/$label.report" 2>"$OUT/$label.stderr" || true
            # Up to 3 s: through the broker its child also holds the tap's fd until it exits,
            # a moment after the reply.
            world_taps_gone >"$OUT/$label.taps" || true
        }

        """

    /// Runs `script` (bash, after the prelude and after `files` are in place) in a new world.
    func run(_ script: String) throws -> WorldRun {
        try TestPrerequisites.check()
        let fileManager = FileManager.default
        let output = fileManager.temporaryDirectory.appendingPathComponent("sbh-integration-\(UUID().uuidString)")
        try fileManager.createDirectory(at: output, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: output) }

        var installs: [String] = []
        for (index, file) in files.enumerated() {
            let staged = output.appendingPathComponent("staged-\(index)")
            if case .regular(let bytes) = file.kind { try Data(bytes).write(to: staged) }
            installs.append(file.installCommand(staged: staged.path))
        }
        let scriptFile = output.appendingPathComponent("world.sh")
        try (Self.prelude + installs.joined(separator: "\n") + "\n" + script + "\n")
            .write(to: scriptFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = TestPrerequisites.withWorld
        process.arguments = worldOptions() + ["--", "/bin/bash", scriptFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["SBH_BIN_DIR"] = TestPrerequisites.binaryDirectory.path
        environment["OUT"] = output.path
        process.environment = environment
        let stdoutFile = output.appendingPathComponent("world.stdout")
        let stderrFile = output.appendingPathComponent("world.stderr")
        _ = fileManager.createFile(atPath: stdoutFile.path, contents: nil)
        _ = fileManager.createFile(atPath: stderrFile.path, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        process.waitUntilExit()

        var outputs: [String: String] = [:]
        for name in try fileManager.contentsOfDirectory(atPath: output.path) where !name.hasPrefix("staged-") {
            let data = try Data(contentsOf: output.appendingPathComponent(name))
            outputs[name] = String(decoding: data, as: UTF8.self)
        }
        return WorldRun(status: process.terminationStatus, outputs: outputs)
    }

    func worldOptions() -> [String] {
        bridges.flatMap { bridge in ["--bridge", bridge.name + (bridge.mtu.map { ":\($0)" } ?? "")] }
            + veths.flatMap { ["--veth", $0] }
    }
}

/// What a world's script left behind: its exit status, its output, and the probe runs.
struct WorldRun: Sendable {
    let status: Int32
    let outputs: [String: String]

    var stdout: String { outputs["world.stdout"] ?? "" }
    var stderr: String { outputs["world.stderr"] ?? "" }

    func probe(_ label: String) throws -> ProbeRun {
        guard status == 0, let report = outputs["\(label).report"] else {
            throw WorldFailure(
                description: "the world script failed (status \(status)) or never ran probe `\(label)'\n\(stderr)")
        }
        return ProbeRun(
            report: ProbeReport(parsing: report), stderr: outputs["\(label).stderr"] ?? "",
            tapsLeft: outputs["\(label).taps"] ?? "")
    }
}

struct WorldFailure: Error, CustomStringConvertible {
    let description: String
}
