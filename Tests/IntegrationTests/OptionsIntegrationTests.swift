import Foundation
import Testing

@testable import DifferentialTable

/// Rule options (`require options`) end to end in worlds: the caller's uid and groups
/// (setpriv --groups) against user=/group=, the port settings the kernel ends up with,
/// the failures that must leave no tap, and the proof that Debian's C helper denies
/// everything for a configuration that uses options.
@Suite(.enabled(if: TestPrerequisites.isRoot, TestPrerequisites.skipReason))
struct OptionsIntegrationTests {
    typealias Copy = HelperIntegrationTests.Copy
    static let qemuArguments = ["--use-vnet", "--fd=@FD", "--br=br0"]
    /// A group only the world knows (its /etc is a private overlay).
    static let addVMUsersGroup = "echo 'vmusers:x:2000:' >>/etc/group"

    /// Runs `copy` as uid/gid 65534 with `groups` as supplementary groups.
    func probe(_ copy: Copy, conf: String, groups: [UInt32] = []) throws -> ProbeRun {
        try probe(helper: copy.rawValue, conf: conf, groups: groups)
    }

    func probe(helper: String, conf: String, groups: [UInt32] = []) throws -> ProbeRun {
        let groupOption =
            groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ",")
        let script = """
            \(Self.addVMUsersGroup)
            RUN_AS=(setpriv --reuid=65534 --regid=65534 \(groupOption) --)
            probe run \(helper) \(Self.qemuArguments.joined(separator: " "))
            """
        return try World(files: [WorldFile(WorldFile.bridgeConf, conf)]).run(script).probe("run")
    }

    func expectTap(_ run: ProbeRun, _ comment: Comment? = nil) {
        #expect(run.report.exitStatus == 0 && run.report.descriptorCount == 1, "\(comment ?? "") \(run)")
        #expect(run.report.master == "br0", "\(run)")
        #expect(run.tapsLeft.isEmpty, "\(run)")
    }

    func expectFailure(_ run: ProbeRun, lines: [String]) {
        #expect(run.report.exitStatus == 1, "\(run)")
        #expect(!run.report.receivedDescriptor, "\(run)")
        #expect(run.tapsLeft.isEmpty, "no tap may be left behind: \(run)")
        for line in lines { #expect(run.stderrLines.contains(line), "missing `\(line)': \(run)") }
    }

    static let denied = "access denied by acl file"
    /// Debian's C helper, cap_net_admin+ep, installed in every world by the prelude.
    static let cHelper = "c-cap"

    // MARK: user= and group=

    @Test(arguments: Copy.allCases)
    func userOptionMatchesTheRealUID(copy: Copy) throws {
        expectTap(try probe(copy, conf: "require options\nallow br0 user=nobody\n"))
        expectTap(try probe(copy, conf: "require options\nallow br0 user=0,65534\n"))
        expectFailure(try probe(copy, conf: "require options\nallow br0 user=root\n"), lines: [Self.denied])
    }

    @Test(arguments: Copy.allCases)
    func groupOptionMatchesSupplementaryGroups(copy: Copy) throws {
        let conf = "require options\nallow br0 group=vmusers\n"
        expectTap(try probe(copy, conf: conf, groups: [2000]), "in vmusers through setpriv --groups")
        expectFailure(try probe(copy, conf: conf), lines: [Self.denied])
        expectTap(try probe(copy, conf: "require options\nallow br0 group=nogroup\n"), "primary group 65534")
    }

    @Test(arguments: Copy.allCases)
    func userAndGroupMustBothMatch(copy: Copy) throws {
        let conf = "require options\nallow br0 user=nobody group=vmusers\n"
        expectTap(try probe(copy, conf: conf, groups: [2000]))
        expectFailure(try probe(copy, conf: conf, groups: [3000]), lines: [Self.denied])
    }

    @Test(arguments: Copy.allCases)
    func denyWithAGroupWins(copy: Copy) throws {
        let conf = "require options\nallow all\ndeny br0 group=vmusers\n"
        expectFailure(try probe(copy, conf: conf, groups: [2000]), lines: [Self.denied])
        expectTap(try probe(copy, conf: conf, groups: [3000]), "not in vmusers: the deny is not about us")
    }

    @Test(arguments: Copy.allCases)
    func unknownUserFailsTheWholeACL(copy: Copy) throws {
        let run = try probe(copy, conf: "require options\nallow all\nallow br0 user=no-such-user\n")
        expectFailure(
            run,
            lines: [
                "/etc/qemu/bridge.conf:3: unknown user `no-such-user' (give users that are not in /etc/passwd by number)",
                "failed to parse default acl file `/etc/qemu/bridge.conf'",
            ])
    }

    // MARK: port settings

    /// A helper wrapper that, once the real helper has passed the tap on (the probe still
    /// holds it, waiting for the wrapper to close the socket), records the port as the
    /// kernel sees it.
    static func showingPort(_ copy: Copy, _ command: String) -> String {
        """
        cat >"$WORLD/bin/show-port" <<EOF
        #!/bin/bash
        "$WORLD/bin/\(copy.rawValue)" "\\$@" || exit
        tap=\\$(ip -o link show type tun | awk -F': ' '{ print \\$2 }')
        \(command) >"$WORLD/tmp/port.json"
        EOF
        chmod 0755 "$WORLD/bin/show-port"
        """
    }

    func isolationFlag(_ copy: Copy, conf: String) throws -> (ProbeRun, Bool?) {
        let script = """
            \(Self.showingPort(copy, "bridge -j -d link show dev \"\\$tap\""))
            probe run show-port \(Self.qemuArguments.joined(separator: " "))
            cp "$WORLD/tmp/port.json" "$OUT/port.json" || true
            """
        let world = try World(files: [WorldFile(WorldFile.bridgeConf, conf)]).run(script)
        let json = Data((world.outputs["port.json"] ?? "").utf8)
        let ports = (try? JSONSerialization.jsonObject(with: json)) as? [[String: Any]]
        return (try world.probe("run"), ports?.first?["isolated"] as? Bool)
    }

    @Test(arguments: Copy.allCases)
    func isolatedSetsTheBridgePortFlag(copy: Copy) throws {
        let (isolatedRun, isolated) = try isolationFlag(copy, conf: "require options\nallow br0 isolated\n")
        expectTap(isolatedRun)
        #expect(isolatedRun.report.isUp == true, "\(isolatedRun)")
        #expect(isolated == true, "\(isolatedRun)")
        let (plainRun, plain) = try isolationFlag(copy, conf: "allow br0\n")
        expectTap(plainRun)
        #expect(plain == false, "without the option the port is not isolated: \(plainRun)")
    }

    @Test(arguments: Copy.allCases)
    func vlanOnABridgeWithoutVLANFilteringFailsBeforeAnyTap(copy: Copy) throws {
        let run = try probe(copy, conf: "require options\nallow br0 vlan=10\n")
        expectFailure(
            run,
            lines: [
                "bridge `br0' does not have vlan_filtering enabled (needed by the rule at /etc/qemu/bridge.conf:2)"
            ])
    }

    // MARK: the C helper on the same configurations

    /// Why `require options` exists: without it, the C helper (and we, for parity) read
    /// `deny br0 user=nobody` as a deny of a bridge named "br0 user=nobody", and allow.
    /// With it, the C helper fails the main file and denies everything: a configuration
    /// that uses options is never read more permissively by the C helper than by us.
    @Test func theCHelperDeniesEverythingForAConfigurationWithOptions() throws {
        let withOptions = "require options\nallow br0\ndeny br0 user=nobody\n"
        expectFailure(try probe(.cap, conf: withOptions), lines: [Self.denied])
        let c = try probe(helper: Self.cHelper, conf: withOptions)
        expectFailure(
            c, lines: ["Unknown command `require'", "failed to parse default acl file `/etc/qemu/bridge.conf'"])

        let permissive = "require options\nallow br0 user=root\nallow br0 group=vmusers vlan=10 isolated\n"
        expectFailure(
            try probe(helper: Self.cHelper, conf: permissive, groups: [2000]), lines: ["Unknown command `require'"])

        // A quota: ours grants within it, the C helper refuses the whole file.
        let quota = "require options\nallow br0 max=1\n"
        expectTap(try probe(.cap, conf: quota))
        expectFailure(try probe(helper: Self.cHelper, conf: quota), lines: ["Unknown command `require'"])

        let withoutDirective = "allow br0\ndeny br0 user=nobody\n"
        expectTap(
            try probe(helper: Self.cHelper, conf: withoutDirective),
            "the C helper's reading: a deny for a bridge named `br0 user=nobody'")
        expectTap(try probe(.cap, conf: withoutDirective), "parity without the directive")
    }
}
