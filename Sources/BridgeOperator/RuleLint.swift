import BridgePolicy

/// Checks on rules that parse, but cannot do what they say: names no bridge can have,
/// rules that `deny` always overrides, repeats, `allow all`, and port settings that an
/// earlier allow always takes the place of.
struct RuleLint {
    let rules: [ACLRule]

    func findings() -> [LintFinding] {
        rules.enumerated().flatMap { index, rule in
            nameFindings(rule) + overrideFindings(rule, index: index) + portShadowFindings(rule, index: index)
                + quotaShadowFindings(rule, index: index)
        }
    }

    func nameFindings(_ rule: ACLRule) -> [LintFinding] {
        guard case .bridge(let name) = rule.target else {
            guard rule.action == .allow else { return [] }
            return [
                LintFinding(
                    .warning, "`allow all' lets every user attach to every bridge on this host", at: rule.location)
            ]
        }
        let quoted: Message = "`\(rule.action == .allow ? "allow" : "deny") \(name)'"
        if let why = InterfaceName.problem(with: name) {
            return [
                LintFinding(
                    .error, "\(quoted) can never match: the kernel refuses this name (\(why))", at: rule.location)
            ]
        }
        if name.contains(UInt8(ascii: "#")) {
            return [
                LintFinding(
                    .warning,
                    "\(quoted): `#' starts a comment only at the beginning of a line; here it is part of the name",
                    at: rule.location)
            ]
        }
        if name.count == 3, String(decoding: name, as: UTF8.self).lowercased() == "all" {
            return [
                LintFinding(
                    .warning, "\(quoted) names a bridge called `\(name)'; only lowercase `all' means every bridge",
                    at: rule.location)
            ]
        }
        return []
    }

    func overrideFindings(_ rule: ACLRule, index: Int) -> [LintFinding] {
        if let earlier = rules[..<index].first(where: {
            $0.action == rule.action && $0.target == rule.target && $0.options == rule.options
        }) {
            return [LintFinding(.warning, "duplicate of the rule at \(earlier.location.message)", at: rule.location)]
        }
        guard rule.action == .allow else { return [] }
        // Deny wins, so a matching deny makes this allow dead; but only a deny about every
        // caller does: one with user=/group= (`require options`) leaves it to the others.
        let deniesForEveryone = rules.filter { $0.action == .deny && !$0.options.hasCallerCondition }
        let overriding: ACLRule?
        switch rule.target {
        case .bridge(let name): overriding = deniesForEveryone.first { $0.matches(bridge: name) }
        case .all: overriding = deniesForEveryone.first { $0.target == .all }
        }
        guard let overriding else { return [] }
        return [
            LintFinding(
                .warning,
                "this rule never takes effect: `deny' at \(overriding.location.message) wins wherever it is in the file",
                at: rule.location)
        ]
    }

    /// The port settings come from the first matching allow (`Decision.portSettings`), so
    /// `allow br0` then `allow br0 user=1000 isolated` never isolates user 1000's taps: the
    /// earlier rule is first for everyone the later one is about. Only an earlier rule that
    /// covers all of the later one's callers and bridges is reported, so every warning is true.
    func portShadowFindings(_ rule: ACLRule, index: Int) -> [LintFinding] {
        guard rule.action == .allow, rule.options.hasPortSettings else { return [] }
        let settings = rule.options.portSettingsMessage
        guard
            let earlier = rules[..<index].first(where: {
                $0.action == .allow && Self.covers($0, rule) && $0.options.portSettings != rule.options.portSettings
            })
        else { return [] }
        let instead: Message =
            earlier.options.hasPortSettings
            ? "with `\(earlier.options.portSettingsMessage)' instead" : "without port options"
        return [
            LintFinding(
                .warning,
                "`\(settings)' never applies: the `allow' at \(earlier.location.message) matches first for the same callers and sets up the port \(instead) (port settings come from the first matching allow)",
                at: rule.location)
        ]
    }

    /// The same for `max=`: `allow br0` then `allow br0 group=lab max=2` never limits the lab.
    func quotaShadowFindings(_ rule: ACLRule, index: Int) -> [LintFinding] {
        guard rule.action == .allow, let limit = rule.options.maxTaps,
            let earlier = rules[..<index].first(where: {
                $0.action == .allow && Self.covers($0, rule) && $0.options.maxTaps != limit
            })
        else { return [] }
        let instead: Message = earlier.options.maxTaps.map { "allows max=\(Int($0)) instead" } ?? "sets no limit"
        return [
            LintFinding(
                .warning,
                "`max=\(Int(limit))' never applies: the `allow' at \(earlier.location.message) matches first for the same callers and \(instead) (the limit comes from the first matching allow)",
                at: rule.location)
        ]
    }

    /// True when every caller and bridge that `later` matches, `earlier` matches too.
    /// `user=` lists any uid; `group=` any group; both must hold when both are given.
    static func covers(_ earlier: ACLRule, _ later: ACLRule) -> Bool {
        let bridges: Bool
        switch (earlier.target, later.target) {
        case (.all, _): bridges = true
        case (.bridge(let name), _): bridges = later.target == .bridge(name)
        }
        func subset(_ outer: [UInt32]?, _ inner: [UInt32]?) -> Bool {
            guard let outer else { return true }
            guard let inner else { return false }
            return inner.allSatisfy(outer.contains)
        }
        return bridges && subset(earlier.options.users, later.options.users)
            && subset(earlier.options.groups, later.options.groups)
    }
}
