/// One thing `doctor` looked at, what it found, and the command that fixes it.
public struct DoctorFinding: Equatable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case ok = "OK"
        case warn = "WARN"
        case fail = "FAIL"
        case info = "INFO"
    }

    /// A stable identifier, e.g. `tun.mode` (documented in the README; tests match on it).
    public var check: String
    public var status: Status
    public var message: String
    /// A concrete command (or step) that fixes it; nil when there is nothing to do.
    public var fix: String?

    public init(_ check: String, _ status: Status, _ message: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.message = message
        self.fix = fix
    }
}

/// Where `doctor` looks; every path can be pointed elsewhere (tests, unusual installs).
public struct DoctorOptions: Sendable {
    public var bridge: String?
    public var helperPath = "/usr/libexec/swift-bridge-helper"
    public var configPath = "/etc/qemu/bridge.conf"
    public var tunPath = "/dev/net/tun"
    public var qemuDefaultHelperPath = "/usr/lib/qemu/qemu-bridge-helper"
    public var appArmorProfilesPath = "/sys/kernel/security/apparmor/profiles"
    /// World-readable `Y` when AppArmor is enabled (the profiles list is root's only).
    public var appArmorEnabledPath = "/sys/module/apparmor/parameters/enabled"

    public init(bridge: String? = nil) { self.bridge = bridge }
}

/// `doctor`: every check, in the order a person would fix things.
public enum Doctor {
    public static func run(_ options: DoctorOptions) -> [DoctorFinding] {
        var findings = HelperBinaryChecks(path: options.helperPath).findings()
        findings += TunDeviceChecks(path: options.tunPath).findings()
        var bridgeFacts: BridgeFacts?
        if let bridge = options.bridge {
            let checks = BridgeInterfaceChecks(name: bridge)
            findings += checks.findings()
            bridgeFacts = checks.facts
        }
        if options.bridge == nil || bridgeFacts?.isBridge == true {
            findings += TapHolderChecks(bridge: options.bridge).findings()
        }
        findings += ACLChecks(path: options.configPath, bridge: options.bridge).findings()
        findings += AppArmorChecks(profilesPath: options.appArmorProfilesPath, enabledPath: options.appArmorEnabledPath)
            .findings()
        findings += QEMUDefaultHelperCheck(defaultPath: options.qemuDefaultHelperPath, helperPath: options.helperPath)
            .findings()
        findings += OutsideAccessChecks(bridge: options.bridge, facts: bridgeFacts).findings()
        return findings
    }
}
