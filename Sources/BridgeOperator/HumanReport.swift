import BridgePolicy

/// The three commands' output for a person.
public enum HumanReport {
    public static func lint(_ report: LintReport, style: TerminalText) -> String {
        var lines = report.findings.map { finding -> String in
            let colour: TerminalText.Colour =
                finding.severity == .error ? .red : finding.severity == .warning ? .yellow : .blue
            let place = TerminalText.printable(finding.file) + (finding.line.map { ":\($0)" } ?? "")
            return
                "\(place): \(style.paint(finding.severity.rawValue, colour)): \(TerminalText.printable(oneLine(finding.message.bytes)))"
        }
        let files = report.filesRead.count
        lines.append(
            "\(report.errorCount) error(s), \(report.warningCount) warning(s) in \(files) file\(files == 1 ? "" : "s")")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func explain(_ explanation: Explanation, user: UserIdentity, style: TerminalText) -> String {
        let bridge = TerminalText.printable(explanation.bridge)
        let verdict = TerminalText.printable(explanation.outcome.bytes)
        var lines = [
            "bridge:   \(bridge)",
            "user:     \(user.name) (uid \(user.uid), gid \(user.gid), groups \(user.groups.map(String.init).joined(separator: ",")))",
            "file:     \(TerminalText.printable(explanation.file))",
            "decision: \(style.paint(verdict, explanation.isAllowed ? .green : .red))",
        ]
        if explanation.load != nil {
            lines.append(
                explanation.matchingRules.isEmpty
                    ? "no rule names \(bridge) or all"
                    : "rules that name \(bridge) or all (deny wins, then allow, else deny):")
            for rule in explanation.matchingRules {
                lines.append(
                    "  \(TerminalText.printable(rule.location.message.bytes))  \(rule.action == .allow ? "allow" : "deny") \(TerminalText.printable(Array(rule.targetText.utf8)))"
                )
            }
        }
        if let quota = explanation.quota {
            lines.append(
                "quota:    \(style.paint(TerminalText.printable(quota.summary.bytes), quota.isUsedUp ? .red : .green))")
        }
        if !explanation.helperStderr.isEmpty {
            lines.append("the helper would print:")
            lines += explanation.helperStderr.map { "  " + TerminalText.printable($0.bytes) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func doctor(_ findings: [DoctorFinding], style: TerminalText) -> String {
        var lines: [String] = []
        for finding in findings {
            let colour: TerminalText.Colour =
                switch finding.status {
                case .ok: .green
                case .warn: .yellow
                case .fail: .red
                case .info: .blue
                }
            let tag = "[" + finding.status.rawValue.padding(4) + "]"
            lines.append("\(style.paint(tag, colour)) \(finding.check.padding(22)) \(finding.message)")
            if let fix = finding.fix { lines.append(String(repeating: " ", count: 30) + "fix: \(fix)") }
        }
        let failures = findings.filter { $0.status == .fail }.count
        let warnings = findings.filter { $0.status == .warn }.count
        lines.append("\(failures) problem(s) to fix, \(warnings) warning(s)")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension HumanReport {
    /// One paragraph per tap: bridge, name and whose it is, then who holds it or how to remove it.
    public static func who(_ report: WhoReport, style: TerminalText) -> String {
        var lines: [String] = []
        for tap in report.taps {
            let place = "\(tap.master.map { TerminalText.printable(Array($0.utf8)) } ?? "(no bridge)") \(tap.name)"
            let owner = tap.owner.map(report.user) ?? "none"
            let whose: String
            if let marked = tap.markedUID {
                whose =
                    tap.ownerChanged
                    ? "made for \(report.user(marked)); tun owner now \(owner): changed by a holder of its fd"
                    : "made for \(report.user(marked))"
            } else {
                whose = "not made by swift-bridge-helper (tun owner \(owner))"
            }
            lines.append("\(style.paint(place, .blue)): \(whose)")
            for holder in tap.holders {
                let command = holder.command.isEmpty ? "?" : TerminalText.printable(Array(holder.command.utf8))
                lines.append("  held by pid \(holder.pid): \(command)")
            }
            if tap.isOrphan {
                let nobody =
                    report.holdersComplete
                    ? "persistent and held by no process: an orphan"
                    : "persistent and held by no process we could inspect: an orphan unless another user's process holds it"
                lines.append("  \(style.paint(nobody, .yellow)); remove it with: \(tap.removal)")
            } else if tap.holders.isEmpty {
                lines.append("  held by no process we could inspect")
            }
        }
        let on = report.bridge.map { " on \(TerminalText.printable(Array($0.utf8)))" } ?? ""
        let orphans = report.orphans.count
        lines.append("\(report.taps.count) tap(s)\(on), \(orphans) orphan(s)")
        if !report.holdersComplete {
            lines.append("not root: other users' processes could not be inspected, so their holders are not shown")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
