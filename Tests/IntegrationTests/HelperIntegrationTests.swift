import Testing

@testable import DifferentialTable

/// Our helper, installed both ways (file capability and setuid root) and a third way, with
/// no privilege, forwarding to the broker; run as uid 65534 the way QEMU and libvirt run it,
/// each case in its own world.
@Suite(.enabled(if: TestPrerequisites.isRoot, TestPrerequisites.skipReason))
struct HelperIntegrationTests {
    enum Copy: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case cap = "ours-cap"
        case suid = "ours-suid"
        /// No privilege: the broker (swift-bridge-helperd) decides and acts, as the caller.
        case broker = "ours-broker"
        var testDescription: String { rawValue }
    }

    static let allowBR0 = WorldFile(WorldFile.bridgeConf, "allow br0\n")

    /// Runs one probe of `copy` with `arguments` in `world`, after `setup` (bash).
    func probe(_ copy: Copy, _ arguments: [String], in world: World, setup: String = "") throws -> ProbeRun {
        let command = (["probe", "run", copy.rawValue] + arguments.map(shellQuoted)).joined(separator: " ")
        return try world.run(setup + "\n" + command).probe("run")
    }

    // MARK: - The tap QEMU and libvirt get

    struct Caller: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let arguments: [String]
        let vnetHeader: Bool
    }

    static let callers = [
        Caller(testDescription: "QEMU order", arguments: ["--use-vnet", "--fd=@FD", "--br=br0"], vnetHeader: true),
        Caller(testDescription: "libvirt order", arguments: ["--use-vnet", "--br=br0", "--fd=@FD"], vnetHeader: true),
        Caller(testDescription: "without --use-vnet", arguments: ["--br=br0", "--fd=@FD"], vnetHeader: false),
    ]

    func expectAttachedTap(_ run: ProbeRun, mtu: Int, vnetHeader: Bool) {
        let report = run.report
        #expect(report.exitStatus == 0, "\(run)")
        #expect(report.descriptorCount == 1, "exactly one fd, as libvirt insists: \(run)")
        #expect(report.data == "0", "one data byte 0x00: \(run)")
        #expect(report.tapNameIsFromTemplate, "tap name from tap%d: \(run)")
        #expect(report.vnetHeader == vnetHeader, "\(run)")
        #expect(report.mtu == mtu, "the bridge's MTU: \(run)")
        #expect(report.mac?.hasPrefix("fe:") == true, "\(run)")
        #expect(report.master == "br0", "\(run)")
        #expect(report.isUp == true, "\(run)")
        #expect(run.tapsLeft.isEmpty, "the tap must vanish with the probe's fd: \(run)")
    }

    @Test(arguments: Copy.allCases, callers)
    func callerGetsAnAttachedTap(copy: Copy, caller: Caller) throws {
        let run = try probe(copy, caller.arguments, in: World(files: [Self.allowBR0]))
        expectAttachedTap(run, mtu: 1500, vnetHeader: caller.vnetHeader)
    }

    @Test(arguments: Copy.allCases, [1400, 1500, 9000])
    func tapTakesTheBridgeMTU(copy: Copy, mtu: Int) throws {
        let world = World(bridges: [.init("br0", mtu: mtu)], files: [Self.allowBR0])
        let run = try probe(copy, ["--use-vnet", "--fd=@FD", "--br=br0"], in: world)
        expectAttachedTap(run, mtu: mtu, vnetHeader: true)
    }

    /// The first probe holds its tap while a second helper runs (the first "helper" is a
    /// script that runs the real one, then a second probe), so both taps exist at once.
    @Test(arguments: Copy.allCases)
    func twoTapsInARowGetDifferentNames(copy: Copy) throws {
        let script = """
            cat >"$WORLD/bin/twice" <<EOF
            #!/bin/bash
            "$WORLD/bin/\(copy.rawValue)" "\\$@" || exit
            "$WORLD/bin/probe" "$WORLD/bin/\(copy.rawValue)" >"$WORLD/tmp/second.report"
            EOF
            chmod 0755 "$WORLD/bin/twice"
            probe first twice --use-vnet --fd=@FD --br=br0
            cp "$WORLD/tmp/second.report" "$OUT/second.report"
            """
        let run = try World(files: [Self.allowBR0]).run(script)
        let first = try run.probe("first")
        let second = ProbeReport(parsing: run.outputs["second.report"] ?? "")
        let both = "first:\n\(first)\nsecond:\n\(second)"
        #expect(first.report.exitStatus == 0 && second.exitStatus == 0, "\(both)")
        #expect(first.report.tapNameIsFromTemplate && second.tapNameIsFromTemplate, "\(both)")
        #expect(first.report.tap != second.tap, "\(both)")
        #expect(first.report.master == "br0" && second.master == "br0", "\(both)")
        #expect(first.tapsLeft.isEmpty, "\(both)")
    }

    // MARK: - Failures: exit 1, no fd, a clear message, nothing left

    struct Failure: Sendable, CustomTestStringConvertible {
        let testDescription: String
        var arguments = ["--use-vnet", "--fd=@FD", "--br=br0"]
        var files = [HelperIntegrationTests.allowBR0]
        var veths: [String] = []
        let message: String
    }

    static let failures: [Failure] = [
        Failure(
            testDescription: "denied", files: [WorldFile(WorldFile.bridgeConf, "allow br1\n")],
            message: "access denied by acl file"),
        Failure(
            testDescription: "deny wins", files: [WorldFile(WorldFile.bridgeConf, "allow br0\ndeny br0\n")],
            message: "access denied by acl file"),
        Failure(
            testDescription: "missing bridge", arguments: ["--use-vnet", "--fd=@FD", "--br=nope"],
            files: [WorldFile(WorldFile.bridgeConf, "allow all\n")],
            message: "failed to get mtu of bridge `nope': No such device"),
        Failure(
            testDescription: "veth is not a bridge", arguments: ["--use-vnet", "--fd=@FD", "--br=veth0"],
            files: [WorldFile(WorldFile.bridgeConf, "allow all\n")], veths: ["veth0"],
            message: "interface `veth0' is not a bridge (its driver is `veth'); nothing was created"),
        Failure(
            testDescription: "missing bridge.conf", files: [],
            message: "failed to parse default acl file `/etc/qemu/bridge.conf'"),
        Failure(
            testDescription: "bridge.conf owned by 65534",
            files: [WorldFile(WorldFile.bridgeConf, "allow br0\n", owner: WorldFile.nobody)],
            message: "it is owned by uid 65534, not root"),
        Failure(
            testDescription: "bridge.conf mode 0666",
            files: [WorldFile(WorldFile.bridgeConf, "allow br0\n", mode: 0o666)],
            message: "it is writable by its group or by others (mode 0666)"),
        Failure(
            testDescription: "bridge.conf is a symlink",
            files: [
                WorldFile("/etc/qemu/real.conf", "allow br0\n"), .symbolicLink(WorldFile.bridgeConf, to: "real.conf"),
            ],
            message: "/etc/qemu/bridge.conf: it is a symbolic link"),
        Failure(
            testDescription: "--fd not a socket", arguments: ["--use-vnet", "--fd=0", "--br=br0"],
            message: "--fd=0 is not a socket"),
        Failure(
            testDescription: "--fd closed", arguments: ["--use-vnet", "--fd=999", "--br=br0"],
            message: "--fd=999 is not an open file descriptor"),
        Failure(
            testDescription: "usage: --help", arguments: ["--help"],
            message: "Usage: swift-bridge-helper [--use-vnet] --br=bridge --fd=unixfd"),
        Failure(
            testDescription: "usage: no --fd", arguments: ["--use-vnet", "--br=br0"],
            message: "Usage: swift-bridge-helper [--use-vnet] --br=bridge --fd=unixfd"),
        Failure(
            testDescription: "usage: no --br", arguments: ["--fd=@FD"],
            message: "Usage: swift-bridge-helper [--use-vnet] --br=bridge --fd=unixfd"),
        Failure(
            testDescription: "name too long", arguments: ["--use-vnet", "--fd=@FD", "--br=abcdefghijklmnop"],
            message: "name `abcdefghijklmnop' too long: 16"),
    ]

    @Test(arguments: Copy.allCases, failures)
    func failsClosed(copy: Copy, failure: Failure) throws {
        let world = World(veths: failure.veths, files: failure.files)
        let run = try probe(copy, failure.arguments, in: world)
        #expect(run.report.exitStatus == 1, "\(run)")
        #expect(run.report.descriptorCount == 0, "\(run)")
        #expect(run.stderrLines.contains { $0.contains(failure.message) }, "expected `\(failure.message)': \(run)")
        #expect(run.tapsLeft.isEmpty, "\(run)")
    }

    // MARK: - ACL files are read as the caller, never as root

    static let group: UInt32 = 4242

    /// bridge.conf includes `/etc/qemu/private.conf` ("allow br0"), readable only by root
    /// and, when `groupReadable`, by group 4242.
    func privateIncludeWorld(groupReadable: Bool) -> World {
        World(files: [
            WorldFile(WorldFile.bridgeConf, "include /etc/qemu/private.conf\n"),
            WorldFile(
                "/etc/qemu/private.conf", "allow br0\n", group: groupReadable ? Self.group : 0,
                mode: groupReadable ? 0o640 : 0o600),
        ])
    }

    /// Root itself can read the include (so it works when readable), but the setuid copy
    /// has become the caller before it reads: the include is ignored and br0 denied. (Run by
    /// root, the broker copy is root and acts itself: only the caller's half is brokered.)
    @Test(arguments: Copy.allCases)
    func rootOnlyIncludeIsIgnoredForTheCaller(copy: Copy) throws {
        let arguments = ["--use-vnet", "--fd=@FD", "--br=br0"]
        let asCaller = try probe(copy, arguments, in: privateIncludeWorld(groupReadable: false))
        #expect(asCaller.report.exitStatus == 1 && !asCaller.report.receivedDescriptor, "\(asCaller)")
        #expect(asCaller.stderrLines.contains("access denied by acl file"), "\(asCaller)")
        let asRoot = try probe(copy, arguments, in: privateIncludeWorld(groupReadable: false), setup: "RUN_AS=()")
        #expect(asRoot.report.exitStatus == 0 && asRoot.report.master == "br0", "\(asRoot)")
    }

    @Test(arguments: Copy.allCases, [true, false])
    func groupReadableIncludeWorksOnlyInTheGroup(copy: Copy, inGroup: Bool) throws {
        let groups = inGroup ? "--groups=\(Self.group)" : "--clear-groups"
        let setup = "RUN_AS=(setpriv --reuid=65534 --regid=65534 \(groups) --)"
        let run = try probe(
            copy, ["--use-vnet", "--fd=@FD", "--br=br0"], in: privateIncludeWorld(groupReadable: true), setup: setup)
        if inGroup {
            expectAttachedTap(run, mtu: 1500, vnetHeader: true)
        } else {
            #expect(run.report.exitStatus == 1 && !run.report.receivedDescriptor, "\(run)")
            #expect(run.stderrLines.contains("access denied by acl file"), "\(run)")
        }
    }
}
