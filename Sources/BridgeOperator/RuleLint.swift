import BridgePolicy

/// Checks on rules that parse, but cannot do what they say: names no bridge can have,
/// rules that `deny` always overrides, repeats, and `allow all`.
struct RuleLint {
    let rules: [ACLRule]

    func findings() -> [LintFinding] {
        rules.enumerated().flatMap { index, rule in
            nameFindings(rule) + overrideFindings(rule, index: index)
        }
    }

    func nameFindings(_ rule: ACLRule) -> [LintFinding] {
        guard case .bridge(let name) = rule.target else {
            guard rule.action == .allow else { return [] }
            return [LintFinding(.warning, "`allow all' lets every user attach to every bridge on this host", at: rule.location)]
        }
        let quoted: Message = "`\(rule.action == .allow ? "allow" : "deny") \(name)'"
        if let why = InterfaceName.problem(with: name) {
            return [LintFinding(.error, "\(quoted) can never match: the kernel refuses this name (\(why))", at: rule.location)]
        }
        if name.contains(UInt8(ascii: "#")) {
            return [LintFinding(.warning, "\(quoted): `#' starts a comment only at the beginning of a line; here it is part of the name", at: rule.location)]
        }
        if name.count == 3, String(decoding: name, as: UTF8.self).lowercased() == "all" {
            return [LintFinding(.warning, "\(quoted) names a bridge called `\(name)'; only lowercase `all' means every bridge", at: rule.location)]
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
        return [LintFinding(.warning, "this rule never takes effect: `deny' at \(overriding.location.message) wins wherever it is in the file", at: rule.location)]
    }
}
