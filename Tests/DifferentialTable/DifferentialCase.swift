/// One case of the differential suite: the same request, ACL files and interfaces, given
/// to Debian's C helper and to ours (both cap_net_admin+ep copies, run as uid 65534).
struct DifferentialCase: Sendable {
    enum Outcome: String, Sendable {
        /// Exit 0 and one fd.
        case tap
        /// Non-zero exit (or a signal), no fd.
        case fails
    }

    /// A place where we deliberately do not do what the C helper does (contract sections
    /// 5 and 6), and what we do instead. Each reason is an entry in SECURITY.md.
    struct Difference: Sendable {
        var reason: DeliberateDifference
        var ours: Outcome
        /// A line of our stderr that says why (a substring of it); nil when we succeed.
        var ourMessage: String?
    }

    static let qemuArguments = ["--use-vnet", "--fd=@FD", "--br=br0"]

    let name: String
    /// What the C helper does: the reference, which ours must match unless `difference`.
    let cHelper: Outcome
    var arguments: [String]
    var files: [WorldFile]
    var bridges: [WorldBridge]
    var veths: [String]
    /// The caller's current directory (the C helper resolves relative includes against it).
    var workingDirectory: String?
    /// Supplementary groups of the caller (uid/gid 65534).
    var callerGroups: [UInt32]
    var difference: Difference?
    /// Where the broker path (`ours-broker`: our helper with no privilege, forwarding to
    /// swift-bridge-helperd) may not give exactly what the privileged copy gives, and why.
    /// nil, for every case today: through the broker the outcome, exit status, tap, and
    /// stderr (but the no-log note, which the daemon prints to its own log) are ours.
    var broker: BrokerDifference?

    /// A case whose broker run is expected to differ from ours: `reason` says why (it
    /// depends on the caller's process, not on what is decided), `outcome` and `message`
    /// what the broker path does instead.
    struct BrokerDifference: Sendable {
        var reason: String
        var outcome: Outcome
        var message: String?
    }

    /// `conf` is /etc/qemu/bridge.conf (root's, 0644); nil leaves it missing.
    init(
        _ name: String, c cHelper: Outcome, _ arguments: [String] = qemuArguments,
        conf: String? = "allow br0\n", files: [WorldFile] = [], bridges: [WorldBridge] = [.init("br0")],
        veths: [String] = [], workingDirectory: String? = nil, callerGroups: [UInt32] = []
    ) {
        self.name = name
        self.cHelper = cHelper
        self.arguments = arguments
        self.files = (conf.map { [WorldFile(WorldFile.bridgeConf, $0)] } ?? []) + files
        self.bridges = bridges
        self.veths = veths
        self.workingDirectory = workingDirectory
        self.callerGroups = callerGroups
    }

    /// We fail closed, with a message containing `ourMessage`, for `reason`.
    func differs(_ reason: DeliberateDifference, ours ourMessage: String) -> DifferentialCase {
        var copy = self
        copy.difference = Difference(reason: reason, ours: .fails, ourMessage: ourMessage)
        return copy
    }

    /// Through the broker this case ends in `outcome` (with `message` on stderr), for `reason`.
    func throughTheBroker(_ outcome: Outcome, message: String? = nil, because reason: String) -> DifferentialCase {
        var copy = self
        copy.broker = BrokerDifference(reason: reason, outcome: outcome, message: message)
        return copy
    }

    /// We give the tap where the C helper fails, for `reason`.
    func differsGivingTap(_ reason: DeliberateDifference) -> DifferentialCase {
        var copy = self
        copy.difference = Difference(reason: reason, ours: .tap, ourMessage: nil)
        return copy
    }
}

/// Why we differ from the C helper; the raw value is the key used in SECURITY.md.
enum DeliberateDifference: String, CaseIterable, Sendable {
    /// The C helper reads 4 KiB chunks: the tail of a long line is parsed as a new line.
    case longLine
    /// The C helper resolves a relative include against the caller's current directory.
    case relativeInclude
    /// The C helper drops an include at its first bad line and goes on, losing what follows
    /// (a `deny`); an error in any file fails our whole ACL.
    case includeError
    /// The C helper trusts a root-owned include in a directory others can write (they can
    /// remove or replace it).
    case untrustedDirectory
    /// The C helper recurses into an include cycle until fds (or the stack) run out.
    case includeCycle
    /// The C helper has no include depth limit.
    case includeDepth
    /// The C helper stops reading a line at a NUL byte and parses what came before.
    case nulByte
    /// The C helper passes on names the kernel reads differently (`br0:1` is br0).
    case invalidName
    /// The C helper reads --fd with atoi (`5junk` is 5, `` is 0).
    case strictFD
    /// The C helper trusts ACL files anyone could have written, symlinks, non-files.
    case untrustedFile
    /// The C helper creates and configures a tap before finding out it has no bridge.
    case notABridge
    /// The C helper finds a bad --fd only at sendmsg, after creating the tap.
    case socketCheckedEarly
}
