// swift-bridge-helperctl: the operator's tool for swift-bridge-helper. Unprivileged, never
// setuid: it reads what the helper reads, with the helper's own parser, loader and decision.
import ArgumentParser
import BridgeOperator
import BridgePolicy
@preconcurrency import Glibc

@main
struct HelperCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-bridge-helperctl",
        abstract: "Check bridge.conf, explain the helper's decisions, diagnose a host, and list who is on a bridge.",
        subcommands: [Lint.self, Explain.self, Doctor.self, Who.self])
}

struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object (stable keys, see the README).")
    var json = false

    func emit(json: () -> String, human: (TerminalText) -> String) {
        print(self.json ? json() : human(.forStandardOutput()), terminator: self.json ? "\n" : "")
    }
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report every problem in an ACL file and its includes as FILE:LINE: error|warning: message.",
        discussion: "Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.")

    @Argument(help: "The ACL file.") var file = "/etc/qemu/bridge.conf"
    @OptionGroup var output: OutputOptions

    func run() throws {
        let report = ACLLinter().lint(Array(file.utf8))
        output.emit(
            json: { JSONReport.encode(JSONReport.lint(report)) }, human: { HumanReport.lint(report, style: $0) })
        if !report.isClean { throw ExitCode(1) }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether the helper would let a user attach to BRIDGE, and which rules decide it.",
        discussion: """
            Files are read as this user, or with --user (root only) as that user: uid, primary gid and \
            supplementary groups, exactly as the helper reads them when that user runs it. \
            With a max=N rule: the user's taps on the bridge now, and how many more may start \
            (none: denied, with the helper's refusal). \
            Exit status: 0 allowed, 1 denied.
            """)

    @Argument(help: "The bridge name, as in --br=BRIDGE.") var bridge: String
    @Option(help: "Read the files as this user (name or uid); needs root.") var user: String?
    @Option(help: "The ACL file.") var file = "/etc/qemu/bridge.conf"
    @OptionGroup var output: OutputOptions

    func run() throws {
        var identity = UserIdentity.current()
        if let user {
            do {
                identity = try UserIdentity.lookup(user)
                // For good: what follows only reads, as the user, like the helper after its drop.
                try identity.become()
            } catch {
                // Exit 2, not 1: 1 means "denied".
                fputs("swift-bridge-helperctl: \(error)\n", stderr)
                throw ExitCode(2)
            }
        }
        let explanation = Explanation(bridge: Array(bridge.utf8), file: Array(file.utf8))
        output.emit(
            json: { JSONReport.encode(JSONReport.explain(explanation, user: identity)) },
            human: { HumanReport.explain(explanation, user: identity, style: $0) })
        if !explanation.isAllowed { throw ExitCode(1) }
    }
}

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check this host for everything the helper needs, and say how to fix what is missing.",
        discussion: "Statuses: OK, WARN, FAIL, INFO. Exit status: 1 when any check FAILs.")

    @Argument(help: "The bridge QEMU will use (checks the bridge and the ACL for it).") var bridge: String?
    @Option(help: "The installed helper.") var helper = "/usr/libexec/swift-bridge-helper"
    @Option(help: "The ACL file.") var conf = "/etc/qemu/bridge.conf"
    @Option(help: "The tun device.") var tun = "/dev/net/tun"
    @Option(help: "QEMU's compiled-in default helper path.") var qemuHelper = "/usr/lib/qemu/qemu-bridge-helper"
    @Option(help: "AppArmor's list of loaded profiles.") var apparmorProfiles = "/sys/kernel/security/apparmor/profiles"
    @Option(help: "Whether AppArmor is enabled (world-readable).") var apparmorEnabled =
        "/sys/module/apparmor/parameters/enabled"
    @OptionGroup var output: OutputOptions

    func run() throws {
        var options = DoctorOptions(bridge: bridge)
        options.helperPath = helper
        options.configPath = conf
        options.tunPath = tun
        options.qemuDefaultHelperPath = qemuHelper
        options.appArmorProfilesPath = apparmorProfiles
        options.appArmorEnabledPath = apparmorEnabled
        let findings = BridgeOperator.Doctor.run(options)
        output.emit(
            json: { JSONReport.encode(JSONReport.doctor(findings, bridge: bridge)) },
            human: { HumanReport.doctor(findings, style: $0) })
        if findings.contains(where: { $0.status == .fail }) { throw ExitCode(1) }
    }
}

struct Who: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every tap on the bridges: whom the helper made it for, who holds it, and orphans.",
        discussion: """
            Read from the kernel now (one RTM_GETLINK dump, the one the helper counts for max=, and \
            /proc). Run as root to see every holder: other users' processes cannot be inspected. \
            Exit status: 0, or 1 when BRIDGE does not exist or the interfaces cannot be listed.
            """)

    @Argument(help: "Only the taps on this bridge.") var bridge: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let inventory: TapInventory
        do { inventory = try TapInventory.read() } catch {
            fputs("swift-bridge-helperctl: cannot list the interfaces: \(error.message)\n", stderr)
            throw ExitCode(1)
        }
        var ownName: String?
        if let bridge {
            ownName = inventory.interfaceName(for: bridge)
            if ownName == nil {
                fputs("swift-bridge-helperctl: there is no interface `\(bridge)' in this network namespace\n", stderr)
                throw ExitCode(1)
            }
        }
        let report = WhoReport(inventory: inventory, bridge: ownName, userNames: WhoReport.userNames())
        output.emit(json: { JSONReport.encode(JSONReport.who(report)) }, human: { HumanReport.who(report, style: $0) })
    }
}
