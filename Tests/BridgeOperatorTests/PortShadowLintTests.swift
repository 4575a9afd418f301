import BridgePolicy
import Testing

@testable import BridgeOperator

/// Port settings come from the first matching allow: lint says when an earlier allow
/// always comes first for a later allow's callers, and only then.
struct PortShadowLintTests {
    func rule(_ line: Int, _ target: ACLRule.Target, _ options: RuleOptions = RuleOptions()) -> ACLRule {
        ACLRule(
            action: .allow, target: target, location: SourceLocation(file: Array("b.conf".utf8), line: line),
            options: options)
    }

    func warnings(_ rules: [ACLRule]) -> [String] {
        RuleLint(rules: rules).findings().map(\.rendered.description).filter { $0.contains("never applies") }
    }

    let br0 = ACLRule.Target.bridge(Array("br0".utf8))

    @Test func plainAllowShadowsALaterIsolatedOneAndNamesBothLines() {
        let rules = [rule(1, br0), rule(2, br0, RuleOptions(users: [1000], isolated: true))]
        #expect(
            warnings(rules) == [
                "b.conf:2: warning: `isolated' never applies: the `allow' at b.conf:1 matches first for the same callers and sets up the port without port options (port settings come from the first matching allow)"
            ])
        // The decision agrees: user 1000 gets rule 1, not isolated.
        let decision = decide(bridge: Array("br0".utf8), caller: CallerIdentity(uid: 1000, gid: 1000), rules: rules)
        #expect(decision.portSettings == RuleOptions())
    }

    @Test func anEarlierRuleAboutFewerCallersDoesNotShadow() {
        #expect(warnings([rule(1, br0, RuleOptions(users: [1000])), rule(2, br0, RuleOptions(vlan: 10))]).isEmpty)
        #expect(
            warnings([
                rule(1, br0, RuleOptions(users: [1000])), rule(2, br0, RuleOptions(users: [1000, 1001], vlan: 10)),
            ]).isEmpty)
        #expect(
            warnings([rule(1, br0, RuleOptions(groups: [27])), rule(2, br0, RuleOptions(users: [1000], vlan: 10))])
                .isEmpty)
    }

    @Test func anotherBridgeOrTheLaterOrderDoesNotShadow() {
        #expect(warnings([rule(1, .bridge(Array("br1".utf8))), rule(2, br0, RuleOptions(isolated: true))]).isEmpty)
        #expect(warnings([rule(1, br0, RuleOptions(isolated: true)), rule(2, br0)]).isEmpty)
        #expect(warnings([rule(1, br0, RuleOptions(vlan: 5)), rule(2, br0, RuleOptions(users: [7], vlan: 5))]).isEmpty)
    }

    @Test func allowAllAndOtherSettingsShadowToo() {
        #expect(
            warnings([
                rule(1, .all, RuleOptions(groups: [27])), rule(2, br0, RuleOptions(users: [1], groups: [27], vlan: 10)),
            ]).count == 1)
        #expect(
            warnings([rule(1, br0, RuleOptions(vlan: 60)), rule(2, br0, RuleOptions(users: [1000], vlan: 70))]).first?
                .contains("with `vlan=60' instead") == true)
    }
}

/// `max=` also comes from the first matching allow.
struct QuotaShadowLintTests {
    let lint = PortShadowLintTests()
    let br0 = ACLRule.Target.bridge(Array("br0".utf8))

    func warnings(_ rules: [ACLRule]) -> [String] {
        RuleLint(rules: rules).findings().map(\.rendered.description).filter { $0.contains("max=") }
    }

    @Test func anEarlierAllowWithoutALimitShadowsALaterMax() {
        let rules = [lint.rule(1, br0), lint.rule(2, br0, RuleOptions(groups: [27], maxTaps: 2))]
        #expect(
            warnings(rules) == [
                "b.conf:2: warning: `max=2' never applies: the `allow' at b.conf:1 matches first for the same callers and sets no limit (the limit comes from the first matching allow)"
            ])
        #expect(
            TapQuota(decide(bridge: Array("br0".utf8), caller: CallerIdentity(uid: 5, gid: 27), rules: rules)) == nil)
    }

    @Test func onlyAnEarlierRuleForTheSameCallersWithAnotherLimitShadows() {
        #expect(
            warnings([lint.rule(1, .all, RuleOptions(maxTaps: 1)), lint.rule(2, br0, RuleOptions(maxTaps: 3))]).first?
                .contains("allows max=1 instead") == true)
        #expect(
            warnings([lint.rule(1, br0, RuleOptions(users: [7])), lint.rule(2, br0, RuleOptions(maxTaps: 3))]).isEmpty)
        #expect(
            warnings([lint.rule(1, br0, RuleOptions(maxTaps: 3)), lint.rule(2, br0, RuleOptions(maxTaps: 3))]).isEmpty)
        #expect(warnings([lint.rule(1, br0, RuleOptions(maxTaps: 3)), lint.rule(2, br0)]).isEmpty)
    }
}
