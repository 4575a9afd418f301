import BridgePolicy
import FoundationEssentials

/// The `--json` shapes of the commands. Keys are snake_case, sorted, and stable:
/// scripts may depend on them (they are listed in the README). Bytes from files that are
/// not UTF-8 appear with U+FFFD in JSON; the human output shows them as `\xNN`.
public enum JSONReport {
    public struct Finding: Codable, Equatable {
        public var file: String
        public var line: Int?
        public var severity: String
        public var message: String
    }

    public struct Lint: Codable, Equatable {
        public var file: String
        public var clean: Bool
        public var errors: Int
        public var warnings: Int
        public var files_read: [String]
        public var findings: [Finding]
    }

    public struct Rule: Codable, Equatable {
        public var file: String
        public var line: Int
        public var action: String
        public var target: String
    }

    public struct User: Codable, Equatable {
        public var name: String
        public var uid: UInt32
        public var gid: UInt32
        public var groups: [UInt32]
    }

    public struct Explain: Codable, Equatable {
        public var bridge: String
        public var file: String
        public var user: User
        public var allowed: Bool
        public var outcome: String
        public var name_problem: String?
        public var acl_loaded: Bool?
        public var rule: Rule?
        public var matching_rules: [Rule]
        public var errors: [String]
        /// The helper's stderr for this outcome, one line each, exactly as it prints them.
        public var helper_stderr: [String]
        /// When the deciding allow rule has `max=N`.
        public var quota: Quota?
    }

    public struct Quota: Codable, Equatable {
        public var max: Int
        public var rule: Rule
        public var uid: UInt32
        /// The caller's taps on the bridge now, and how many more may start; nil when not counted.
        public var held: Int?
        public var remaining: Int?
        public var used_up: Bool
        public var problem: String?
    }

    public struct DoctorItem: Codable, Equatable {
        public var check: String
        public var status: String
        public var message: String
        public var fix: String?
    }

    public struct Doctor: Codable, Equatable {
        public var bridge: String?
        public var healthy: Bool
        public var counts: [String: Int]
        public var findings: [DoctorItem]
    }

    public struct Account: Codable, Equatable {
        public var uid: UInt32
        /// nil when no account in /etc/passwd has the uid.
        public var name: String?
    }

    public struct Holder: Codable, Equatable {
        public var pid: Int32
        public var command: String
    }

    public struct Tap: Codable, Equatable {
        public var name: String
        public var bridge: String?
        /// Whom the helper made it for (its mark); nil when something else made it.
        public var made_for: Account?
        /// The tun driver's owner now; a holder of the fd may have changed it.
        public var tun_owner: Account?
        public var tun_group: UInt32?
        public var owner_changed: Bool
        public var persistent: Bool
        public var orphan: Bool
        /// The command that removes an orphan; nil for a tap that is held.
        public var remove: String?
        public var holders: [Holder]
    }

    public struct Who: Codable, Equatable {
        public var bridge: String?
        public var holders_complete: Bool
        public var orphans: Int
        public var taps: [Tap]
    }

    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    public static func lint(_ report: LintReport) -> Lint {
        Lint(
            file: text(report.file), clean: report.isClean, errors: report.errorCount, warnings: report.warningCount,
            files_read: report.filesRead.map(text),
            findings: report.findings.map {
                Finding(
                    file: text($0.file), line: $0.line, severity: $0.severity.rawValue,
                    message: text(oneLine($0.message.bytes)))
            })
    }

    public static func rule(_ rule: ACLRule) -> Rule {
        Rule(
            file: text(rule.location.file), line: rule.location.line, action: rule.action == .allow ? "allow" : "deny",
            target: rule.targetText)
    }

    public static func explain(_ explanation: Explanation, user: UserIdentity) -> Explain {
        var deciding: ACLRule?
        switch explanation.decision {
        case .allowed(let by)?: deciding = by
        case .denied(let by)?: deciding = by
        case nil: deciding = nil
        }
        return Explain(
            bridge: text(explanation.bridge), file: text(explanation.file),
            user: User(name: user.name, uid: user.uid, gid: user.gid, groups: user.groups),
            allowed: explanation.isAllowed, outcome: explanation.outcome.description,
            name_problem: explanation.nameProblem?.description, acl_loaded: explanation.load?.succeeded,
            rule: deciding.map(rule), matching_rules: explanation.matchingRules.map(rule),
            errors: (explanation.load?.errors ?? []).map { text(oneLine($0.rendered.bytes)) },
            helper_stderr: explanation.helperStderr.map { text($0.bytes) },
            quota: explanation.quota.map { use in
                Quota(
                    max: use.quota.limit, rule: rule(use.quota.rule), uid: use.uid, held: use.held,
                    remaining: use.remaining, used_up: use.isUsedUp, problem: use.problem?.description)
            })
    }

    public static func who(_ report: WhoReport) -> Who {
        let account = { (uid: UInt32) in Account(uid: uid, name: report.userNames[uid]) }
        return Who(
            bridge: report.bridge, holders_complete: report.holdersComplete, orphans: report.orphans.count,
            taps: report.taps.map { tap in
                Tap(
                    name: tap.name, bridge: tap.master, made_for: tap.markedUID.map(account),
                    tun_owner: tap.owner.map(account), tun_group: tap.group, owner_changed: tap.ownerChanged,
                    persistent: tap.persistent, orphan: tap.isOrphan, remove: tap.isOrphan ? tap.removal : nil,
                    holders: tap.holders.map { Holder(pid: $0.pid, command: $0.command) })
            })
    }

    public static func doctor(_ findings: [DoctorFinding], bridge: String?) -> Doctor {
        var counts: [String: Int] = [:]
        for status in DoctorFinding.Status.allCases {
            counts[status.rawValue] = findings.filter { $0.status == status }.count
        }
        return Doctor(
            bridge: bridge, healthy: !findings.contains { $0.status == .fail }, counts: counts,
            findings: findings.map {
                DoctorItem(check: $0.check, status: $0.status.rawValue, message: $0.message, fix: $0.fix)
            })
    }
}

extension ACLRule {
    /// `all`, or the bridge name as written, then its options (`require options`), with
    /// user and group names as the numbers the helper matches.
    var targetText: String {
        let name: String
        switch target {
        case .all: name = "all"
        case .bridge(let bytes): name = String(decoding: bytes, as: UTF8.self)
        }
        let options = options.message.description
        return options.isEmpty ? name : "\(name) \(options)"
    }
}
