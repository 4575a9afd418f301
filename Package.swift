// swift-tools-version:6.0
// swift-bridge-helper: an audited, drop-in replacement for QEMU's qemu-bridge-helper.
import PackageDescription

let package = Package(
    name: "swift-bridge-helper",
    products: [
        // The privileged helper: no Foundation, no ArgumentParser (start-up cost, size, attack surface).
        .executable(name: "swift-bridge-helper", targets: ["swift-bridge-helper"]),
        // An unprivileged caller that speaks QEMU's side of the protocol: tests, demo, benchmark.
        .executable(name: "bridge-helper-probe", targets: ["bridge-helper-probe"]),
        .library(name: "BridgePolicy", targets: ["BridgePolicy"]),
        .library(name: "BridgeSystem", targets: ["BridgeSystem"]),
        // The broker (broker mode): a root service started by a systemd socket, one child per client.
        .executable(name: "swift-bridge-helperd", targets: ["swift-bridge-helperd"]),
        // An unprivileged user's multiqueue tap from the broker, passed to the command it runs (QEMU).
        .executable(name: "swift-bridge-tap", targets: ["swift-bridge-tap"]),
        // The unprivileged operator tool: lint, explain, doctor. Never installed setuid.
        .executable(name: "swift-bridge-helperctl", targets: ["swift-bridge-helperctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // libcap from Debian (libcap-dev ships libcap.a, so the static build links it in).
        .systemLibrary(name: "CLibcap", pkgConfig: "libcap", providers: [.apt(["libcap-dev"])]),
        // What Swift cannot express: ioctl numbers, variadic calls, cmsg macros. No logic.
        .target(name: "CBridgeShim"),
        // One unix-socket message with SCM_RIGHTS fds: the helper's send, its callers' receive.
        .target(name: "SocketMessage", dependencies: ["CBridgeShim"]),
        // Linked into the helper only: replaces the environment before the Swift runtime reads it.
        .target(name: "CHelperStartup"),
        // Pure policy: arguments, ACL grammar, includes, decision, diagnostics. No system calls.
        .target(name: "BridgePolicy"),
        // The privileged acts, one small function each, over the shim and libcap.
        .target(
            name: "BridgeSystem", dependencies: ["BridgePolicy", "CBridgeShim", "CLibcap", "SocketMessage"]),
        .executableTarget(
            name: "swift-bridge-helper", dependencies: ["BridgePolicy", "BridgeSystem", "CHelperStartup"]),
        .executableTarget(name: "swift-bridge-helperd", dependencies: ["BridgePolicy", "BridgeSystem"]),
        .executableTarget(name: "swift-bridge-tap", dependencies: ["BridgePolicy", "BridgeSystem"]),
        .executableTarget(name: "bridge-helper-probe", dependencies: ["CBridgeShim", "SocketMessage"]),
        // Per-VM-start cost and concurrency against the C helper (run by scripts/bench).
        .executableTarget(
            name: "bridge-helper-bench", dependencies: ["CBridgeShim", "SocketMessage"],
            path: "Benchmarks/bridge-helper-bench"),
        .testTarget(name: "BridgePolicyTests", dependencies: ["BridgePolicy"]),
        // Tests only: the differential table (cases, world files, bridges). Checked without root by
        // DifferentialTableTests, so in every `swift test`; run against both helpers by IntegrationTests.
        .target(name: "DifferentialTable", path: "Tests/DifferentialTable"),
        .testTarget(name: "DifferentialTableTests", dependencies: ["DifferentialTable"]),
        // The privileged acts' order and messages over recorded calls, and the syscall wrapper: no root.
        .testTarget(name: "BridgeSystemTests", dependencies: ["BridgeSystem", "BridgePolicy", "CBridgeShim"]),
        // Privileged: runs the release binaries and Debian's C helper in scripts/with-world worlds
        // (as root; skipped otherwise). It only spawns processes; the table is all it imports.
        .testTarget(name: "IntegrationTests", dependencies: ["DifferentialTable"]),
        // The operator tool's logic over the same parser, loader and decision as the helper.
        .target(name: "BridgeOperator", dependencies: ["BridgePolicy", "BridgeSystem", "CBridgeShim"]),
        .executableTarget(
            name: "swift-bridge-helperctl",
            dependencies: ["BridgeOperator", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(
            name: "BridgeOperatorTests", dependencies: ["BridgeOperator", "BridgePolicy"],
            exclude: ["lint-corpus"]),
        // Tests only: an adversarial QEMU for Tests/hostile/run (ptrace lives in its own shim,
        // so that the privileged helper never links it).
        .target(name: "CHostileCallerShim", path: "Tests/Tools/CHostileCallerShim"),
        .executableTarget(
            name: "hostile-caller", dependencies: ["CBridgeShim", "CHostileCallerShim", "SocketMessage"],
            path: "Tests/Tools/hostile-caller"),
        // Tests only: which ports of a bridge reach which, in frames (Tests/options/vlan-guest).
        .executableTarget(
            name: "tap-frames", dependencies: ["CBridgeShim", "SocketMessage"], path: "Tests/Tools/tap-frames"),
    ]
)
