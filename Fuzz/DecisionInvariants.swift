// The decision's invariants, for the helper's caller-aware `decide` and for the decision
// about a caller nobody knows: checked on whatever rules the fuzzed loader returned.
import BridgePolicy

/// Every known caller the rules talk about (their `user=` and `group=` ids first, then a few
/// fixed ones), each alone as uid, as primary group and as supplementary group, one with
/// several groups; nil stands for the unknown caller.
func callersToCheck(_ rules: [ACLRule]) -> [CallerIdentity?] {
    let outsider: UInt32 = 65533
    let uids = distinctPrefix(rules.flatMap { $0.options.users ?? [] } + [0, 1000, 65534], 3)
    let gids = distinctPrefix(rules.flatMap { $0.options.groups ?? [] } + [27, 2000, 65534], 3)
    var callers: [CallerIdentity?] = [nil]
    callers += uids.map { CallerIdentity(uid: $0, gid: outsider) }
    callers += gids.map { CallerIdentity(uid: outsider, gid: $0) }
    callers += gids.map { CallerIdentity(uid: outsider, gid: outsider, supplementaryGroups: [$0]) }
    callers.append(CallerIdentity(uid: uids[0], gid: gids[0], supplementaryGroups: Array(gids.dropFirst())))
    return callers
}

/// The bridge names worth asking about: each rule's, `br0` and the empty name (capped, so
/// that a file of many rules stays fast enough to fuzz).
func namesToCheck(_ rules: [ACLRule]) -> [[UInt8]] {
    var names: [[UInt8]] = [Array("br0".utf8), []]
    for rule in rules { if case .bridge(let name) = rule.target { names.append(name) } }
    return distinctPrefix(names, 8)
}

private func distinctPrefix<T: Hashable>(_ items: [T], _ count: Int) -> [T] {
    var seen: Set<T> = []
    var kept: [T] = []
    for item in items where kept.count < count && seen.insert(item).inserted { kept.append(item) }
    return kept
}

/// Whether a rule is about this caller, written out from the options (not RuleOptions.applies):
/// every listed uid/group must be the caller's; an unknown caller is about every deny
/// (nobody showed it is not theirs) and about no allow that names callers.
private func isAbout(_ rule: ACLRule, _ caller: CallerIdentity?) -> Bool {
    guard let caller else { return rule.action == .deny || (rule.options.users == nil && rule.options.groups == nil) }
    let userMatches = rule.options.users.map { $0.contains(caller.uid) } ?? true
    let groupMatches =
        rule.options.groups.map { groups in
            groups.contains(caller.gid) || groups.contains(where: caller.supplementaryGroups.contains)
        } ?? true
    return userMatches && groupMatches
}

private func decision(
    _ name: [UInt8], otherNames: [[UInt8]] = [], for caller: CallerIdentity?, _ rules: [ACLRule]
) -> Decision {
    guard let caller else { return decide(bridge: name, otherNames: otherNames, rules: rules) }
    return decide(bridge: name, otherNames: otherNames, caller: caller, rules: rules)
}

private let anywhere = SourceLocation(file: [], line: 1)

/// Deny wins, default deny, the first matching allow gives the port, order does not matter,
/// monotonic in the deny rules, another name's deny wins and its allow does not count, and
/// for a known caller: rules about others change nothing, a deny about the caller denies, and
/// an unknown caller never gets more.
func checkDecisions(_ rules: [ACLRule], names: [[UInt8]], callers: [CallerIdentity?]) {
    // The changed rule lists are made once per input or per caller, not per name: copying
    // rules is most of the harness's cost.
    let allowRulesOnly = rules.filter { $0.action == .allow }
    let reversed = Array(rules.reversed())
    let withDenyAll = rules + [ACLRule(action: .deny, target: .all, location: anywhere)]
    let usesOptions = rules.contains { $0.options != RuleOptions() }
    for caller in callers {
        let aboutCaller = rules.filter { isAbout($0, caller) }
        let group = caller.map { $0.supplementaryGroups.last ?? $0.gid } ?? 0
        let uid = caller?.uid ?? 0
        let withDenyOfCaller =
            rules + [ACLRule(action: .deny, target: .all, location: anywhere, options: RuleOptions(users: [uid]))]
        let withDenyOfGroup =
            [ACLRule(action: .deny, target: .all, location: anywhere, options: RuleOptions(groups: [group]))] + rules
        let withDenyOfOther =
            rules + [
                ACLRule(
                    action: .deny, target: .all, location: anywhere,
                    options: RuleOptions(users: [uid &+ 1], groups: [group]))
            ]
        // Known callers are many: each is asked about the first few names only (throughput).
        let asked = caller == nil ? names : Array(names.prefix(4))
        for (index, name) in asked.enumerated() {
            let decided = decision(name, for: caller, rules)
            let denies = aboutCaller.filter { $0.action == .deny && $0.matches(bridge: name) }
            let firstAllow = aboutCaller.first { $0.action == .allow && $0.matches(bridge: name) }
            switch decided {
            case .allowed(let rule):
                invariant(denies.isEmpty, "deny wins")
                invariant(rule == firstAllow, "allowed by the first matching allow rule about the caller")
                invariant(
                    decided.portSettings == RuleOptions(vlan: rule.options.vlan, isolated: rule.options.isolated),
                    "the port settings are the allowing rule's")
            case .denied(let rule?):
                invariant(
                    rule.action == .deny && rule.matches(bridge: name) && denies.contains(rule),
                    "denied by a matching deny rule about the caller")
                invariant(decided.portSettings == RuleOptions(), "a denied request sets up no port")
            case .denied(nil):
                invariant(
                    firstAllow == nil && denies.isEmpty, "default deny only when no rule about the caller matches")
            }
            invariant(
                decided.isAllowed == (firstAllow != nil && denies.isEmpty),
                "allowed iff an allow matches and no deny does")
            invariant(decision(name, for: caller, reversed).isAllowed == decided.isAllowed, "order does not matter")
            invariant(!decision(name, for: caller, withDenyAll).isAllowed, "deny all denies")
            invariant(
                !decided.isAllowed || decision(name, for: caller, allowRulesOnly).isAllowed,
                "removing deny rules never denies more")
            invariant(decision(name, for: caller, aboutCaller) == decided, "rules about other callers change nothing")

            let other = asked[(index + 1) % asked.count]
            let otherDenied = aboutCaller.contains { $0.action == .deny && $0.matches(bridge: other) }
            let withOther = decision(name, otherNames: [other], for: caller, rules)
            invariant(
                withOther.isAllowed == (decided.isAllowed && !otherDenied),
                "a deny of another name of the bridge wins; an allow of it does not count")

            guard let caller else { continue }
            if decision(name, for: nil, rules).isAllowed {
                invariant(decided.isAllowed, "an unknown caller never gets more than a known one")
            }
            if !usesOptions {
                invariant(decision(name, for: nil, rules) == decided, "without options the caller does not matter")
            }
            invariant(!decision(name, for: caller, withDenyOfCaller).isAllowed, "a deny about the caller's uid denies")
            invariant(
                !decision(name, for: caller, withDenyOfGroup).isAllowed,
                "a deny about one of the caller's groups denies")
            invariant(
                decision(name, for: caller, withDenyOfOther) == decided, "a deny about another user changes nothing")
        }
    }
}
