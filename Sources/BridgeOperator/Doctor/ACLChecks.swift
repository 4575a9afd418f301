import BridgePolicy

/// bridge.conf: there, clean, and allowing this bridge for whoever runs doctor.
struct ACLChecks {
    let path: String
    let bridge: String?

    func findings() -> [DoctorFinding] {
        let lintCommand = "swift-bridge-helperctl lint \(path)"
        guard FileFacts.status(path) != nil else {
            return [
                DoctorFinding(
                    "acl.file", .fail, "\(path) does not exist: the helper denies everything",
                    fix: "printf 'allow \(bridge ?? "br0")\\n' > \(path) && chmod 0644 \(path)")
            ]
        }
        var findings = [DoctorFinding("acl.file", .ok, "\(path) exists")]
        let report = ACLLinter().lint(Array(path.utf8))
        if report.errorCount > 0 {
            let first = report.findings.first { $0.severity == .error }.map { ": \($0.rendered)" } ?? ""
            findings.append(DoctorFinding("acl.lint", .fail, "\(report.errorCount) error(s)\(first)", fix: lintCommand))
        } else if report.warningCount > 0 {
            findings.append(DoctorFinding("acl.lint", .warn, "\(report.warningCount) warning(s)", fix: lintCommand))
        } else {
            findings.append(DoctorFinding("acl.lint", .ok, "lints clean"))
        }
        guard let bridge else { return findings }
        let user = UserIdentity.current()
        let explanation = Explanation(bridge: Array(bridge.utf8), file: Array(path.utf8))
        let who = user.uid == 0 ? "root (root reads every include; try `explain \(bridge) --user NAME')" : user.name
        if explanation.isAllowed {
            findings.append(DoctorFinding("acl.decision", .ok, "\(bridge) is \(explanation.outcome) for \(who)"))
        } else if explanation.quota?.isUsedUp == true {
            // The rules allow it; the caller's taps use up the rule's max=.
            findings.append(
                DoctorFinding(
                    "acl.decision", .fail, "\(bridge) is \(explanation.outcome) for \(who)",
                    fix: "swift-bridge-helperctl who \(bridge)   # whose taps they are; stop a VM or remove an orphan"))
        } else {
            findings.append(
                DoctorFinding(
                    "acl.decision", .fail, "\(bridge) is \(explanation.outcome) for \(who)",
                    fix: "echo 'allow \(bridge)' >> \(path)   # or in an include only \(user.name)'s group can read"))
        }
        return findings
    }
}
