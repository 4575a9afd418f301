// Rule options (`require options`): grammar, the directive's place, name resolution
// without NSS, matching by uid/gid/supplementary groups, and parity without the directive.
import Testing

@testable import BridgePolicy

/// Files by path; anything else cannot be opened. /etc/passwd and /etc/group are given.
private struct OptionFiles: ACLFileSource {
    var files: [String: String]
    var refused: Set<String> = []

    init(_ files: [String: String]) {
        self.files = [
            "/etc/passwd":
                "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n+nis::::::\n",
            "/etc/group": "root:x:0:\nkvm:x:27:alice\nalice:x:1000:\nbob:x:1001:\nlab:x:2000:bob\n",
        ].merging(files) { $1 }
    }

    func read(_ path: [UInt8]) -> ACLFileRead {
        let key = String(decoding: path, as: UTF8.self)
        if refused.contains(key) { return .refused("it is owned by uid 1000, not root") }
        guard let text = files[key] else { return .unavailable("No such file or directory") }
        // One inode per path, the same in every run (a hash changes per process, and a shared one looks like a cycle).
        return .contents(
            Array(text.utf8), FileIdentity(device: 1, inode: UInt64(files.keys.sorted().firstIndex(of: key)! + 1)))
    }
}

private let main = "/etc/qemu/bridge.conf"
private let alice = CallerIdentity(uid: 1000, gid: 1000)
private let bob = CallerIdentity(uid: 1001, gid: 1001, supplementaryGroups: [2000])
private let carol = CallerIdentity(uid: 1002, gid: 27)  // kvm as her primary group

private func load(_ text: String, includes: [String: String] = [:]) -> ACLLoadResult {
    ACLLoader(source: OptionFiles(includes.merging([main: text]) { $1 })).load(Array(main.utf8))
}

private func errors(_ result: ACLLoadResult) -> [String] { result.errors.map(\.rendered.description) }

private func decision(_ result: ACLLoadResult, _ bridge: String, _ caller: CallerIdentity) -> Decision {
    decide(bridge: Array(bridge.utf8), caller: caller, rules: result.rules)
}

private func location(_ line: Int) -> BridgePolicy.SourceLocation {
    BridgePolicy.SourceLocation(file: Array(main.utf8), line: line)
}

// MARK: grammar

@Test func everyOptionParses() {
    let result = load(
        "require options\nallow br0 user=alice,1005 group=kvm,3000 vlan=10 isolated\ndeny all\tuser=bob  group=lab\n")
    #expect(result.succeeded)
    #expect(
        result.rules == [
            ACLRule(
                action: .allow, target: .bridge(Array("br0".utf8)), location: location(2),
                options: RuleOptions(users: [1000, 1005], groups: [27, 3000], vlan: 10, isolated: true)),
            ACLRule(
                action: .deny, target: .all, location: location(3), options: RuleOptions(users: [1001], groups: [2000])),
        ])
}

@Test func maxIsTheFirstMatchingAllowRulesQuota() throws {
    let result = load("require options\nallow br0 user=alice max=4096\nallow br0 max=1\nallow br1\n")
    #expect(result.rules.map(\.options.maxTaps) == [4096, 1, nil])
    #expect(result.rules.first?.options.message == "user=1000 max=4096")
    let aliceQuota = try #require(TapQuota(decide(bridge: Array("br0".utf8), caller: alice, rules: result.rules)))
    #expect(aliceQuota.limit == 4096 && aliceQuota.rule.location == location(2))
    let bob = CallerIdentity(uid: 1001, gid: 1001)
    #expect(TapQuota(decide(bridge: Array("br0".utf8), caller: bob, rules: result.rules))?.limit == 1)
    #expect(TapQuota(decide(bridge: Array("br1".utf8), caller: bob, rules: result.rules)) == nil)
    #expect(TapQuota(decide(bridge: Array("br2".utf8), caller: bob, rules: result.rules)) == nil)
    // Not a port setting: the audit line's port settings never show it.
    #expect(!result.rules[1].options.hasPortSettings)
}

@Test func aQuotaRefusesAtItsLimitBeforeAndBeyondItAfter() throws {
    let quota = try #require(TapQuota(.allowed(by: load("require options\nallow br0 max=2\n").rules[0])))
    #expect(!quota.refusesAnother(held: 1) && quota.refusesAnother(held: 2))
    #expect(!quota.refusesWithNew(held: 2) && quota.refusesWithNew(held: 3))
    #expect(quota.remaining(held: 0) == 2 && quota.remaining(held: 5) == 0)
}

@Test func theMarkIsTheHelpersAliasAndNothingElse() {
    #expect(TapMark.alias(for: 1000) == Array("swift-bridge-helper uid=1000".utf8))
    #expect(TapMark.uid(inAlias: TapMark.alias(for: 4_294_967_295)) == 4_294_967_295)
    for other in [
        "", "swift-bridge-helper uid=", "swift-bridge-helper uid=10 ", "swift-bridge-helper uid=+1",
        "Swift-bridge-helper uid=1", "swift-bridge-helper uid=4294967296", "lab tap uid=1",
    ] {
        #expect(TapMark.uid(inAlias: Array(other.utf8)) == nil, "\(other)")
    }
}

@Test func optionsParseInAnyOrderWithTabs() {
    let result = load("require options\nallow br0\tisolated\tvlan=4094 user=0\n")
    #expect(result.rules.first?.options == RuleOptions(users: [0], vlan: 4094, isolated: true))
}

@Test(arguments: [
    ("allow ", "missing bridge name: `allow' takes a bridge name or `all', then options"),
    ("deny\t", "missing bridge name: `deny' takes a bridge name or `all', then options"),
    (
        "deny user=mallory",
        "missing bridge name before `user=mallory': `deny' takes a bridge name or `all', then options"
    ),
    ("deny group=lab", "missing bridge name before `group=lab'"),
    ("allow vlan=10 isolated", "missing bridge name before `vlan=10'"),
    ("allow isolated", "missing bridge name before `isolated'"),
    ("allow br0 colour=red", "unknown option `colour=red'"),
    ("allow br0 user", "unknown option `user'"),
    ("allow br0 isolated=1", "unknown option `isolated=1'"),
    ("allow br0 User=alice", "unknown option `User=alice'"),
    ("allow br0 user=", "option `user=' needs at least one name"),
    ("allow br0 group=", "option `group=' needs at least one name"),
    ("allow br0 user=alice,", "option `user=alice,' has an empty name in its list"),
    ("allow br0 group=,kvm", "option `group=,kvm' has an empty name in its list"),
    ("allow br0 user=alice user=bob", "option `user' is given twice in one rule"),
    ("allow br0 isolated isolated", "option `isolated' is given twice in one rule"),
    ("allow br0 vlan=1 vlan=2", "option `vlan' is given twice in one rule"),
    ("allow br0 vlan=0", "vlan `0' is not a VLAN id"),
    ("allow br0 vlan=4095", "vlan `4095' is not a VLAN id"),
    ("allow br0 vlan=-1", "vlan `-1' is not a VLAN id"),
    ("allow br0 vlan=10x", "vlan `10x' is not a VLAN id"),
    ("allow br0 vlan=", "vlan `' is not a VLAN id"),
    ("allow br0 vlan=99999", "vlan `99999' is not a VLAN id"),
    ("deny br0 vlan=10", "option `vlan' sets up a port, so it is only allowed on allow rules"),
    ("deny br0 isolated", "option `isolated' sets up a port, so it is only allowed on allow rules"),
    ("allow max=2", "missing bridge name before `max=2'"),
    ("allow br0 max=0", "max `0' is not a number of taps: expected a number from 1 to 4096"),
    ("allow br0 max=4097", "max `4097' is not a number of taps"),
    ("allow br0 max=", "max `' is not a number of taps"),
    ("allow br0 max=+2", "max `+2' is not a number of taps"),
    ("allow br0 max=00002", "max `00002' is not a number of taps"),
    ("allow br0 max", "unknown option `max'"),
    ("allow br0 max=1 max=2", "option `max' is given twice in one rule"),
    ("deny br0 max=2", "option `max' limits what a rule grants, so it is only allowed on allow rules"),
    ("allow br0 user=mallory", "unknown user `mallory'"),
    ("allow br0 group=wheel", "unknown group `wheel'"),
    ("allow br0 user=nis", "unknown user `nis'"),
    ("allow br0 user=4294967295", "unknown user `4294967295'"),
])
func optionErrorsFailTheWholeACL(line: String, message: String) {
    let result = load("require options\nallow all\n\(line)\n")
    #expect(!result.succeeded)
    #expect(errors(result).count == 1)
    #expect(errors(result).first?.hasPrefix("\(main):3: \(message)") == true)
    // The helper never decides on a failed load, and it must not: the rules read before the bad
    // line are the `allow all' alone, which lets alice in. Only the failed load keeps her out.
    #expect(result.rules.map(\.location) == [location(2)])
    #expect(decide(bridge: Array("br0".utf8), caller: alice, rules: result.rules).isAllowed)
}

@Test func anyErrorInAnIncludeFailsEverything() {
    let plain = load(
        "require options\nallow all\ninclude /etc/qemu/more.conf\n", includes: ["/etc/qemu/more.conf": "frobnicate x\n"]
    )
    #expect(
        !plain.succeeded, "the C helper would drop the include and go on; a deny after the bad line must not be lost")
    let option = load(
        "require options\nallow all\ninclude /etc/qemu/more.conf\n",
        includes: ["/etc/qemu/more.conf": "deny br0 user=nobody-here\n"])
    #expect(!option.succeeded, "a deny rule we cannot read must not be ignored")
    #expect(errors(option).first?.hasPrefix("/etc/qemu/more.conf:1: unknown user `nobody-here'") == true)
}

@Test func includesUseOptionsOnceTheMainFileRequiresThem() {
    let result = load(
        "require options\ninclude more.conf\n", includes: ["/etc/qemu/more.conf": "allow br0 user=alice vlan=7\n"])
    #expect(result.succeeded)
    #expect(result.rules.first?.options == RuleOptions(users: [1000], vlan: 7))
}

@Test func theFirstOptionErrorEndsTheLoad() {
    let result = load("require options\nallow br0 user=alice\nallow br0 vlan=0\ndeny br0 isolated\n")
    #expect(!result.succeeded)
    #expect(result.rules.count == 1)
    #expect(errors(result).count == 1)
}

// MARK: the directive

@Test func directiveMayFollowCommentsAndBlankLines() {
    for directive in ["   require  options\t", "require\toptions"] {
        let result = load("# site policy\n\n\(directive)\nallow br0 user=alice\n")
        #expect(result.succeeded)
        #expect(result.rules.first?.options.users == [1000])
    }
}

@Test func directiveSplitsLikeAnyLine() {
    // With a space on the line the command ends there, as in the C helper.
    let result = load("require\toptions \nallow all\n")
    #expect(!result.succeeded)
    #expect(result.errors.first?.message == "Unknown command `require\toptions'")
}

@Test(arguments: [
    "allow br1\nrequire options\n",
    "include /etc/qemu/none.conf\nrequire options\n",
])
func directiveAfterARuleOrIncludeFails(text: String) {
    let result = load(text)
    #expect(!result.succeeded)
    #expect(
        errors(result) == ["\(main):2: `require options' is only valid in \(main), before its first rule or include"])
}

@Test func directiveTwiceFails() {
    let result = load("require options\nrequire options\nallow br0\n")
    #expect(!result.succeeded)
    #expect(errors(result) == ["\(main):2: `require options' is given twice"])
}

@Test func directiveInAnIncludeFailsTheWholeACL() {
    for mainText in ["include a.conf\nallow all\n", "require options\ninclude a.conf\nallow all\n"] {
        let result = load(mainText, includes: ["/etc/qemu/a.conf": "require options\n"])
        #expect(!result.succeeded)
        #expect(
            errors(result) == [
                "/etc/qemu/a.conf:1: `require options' is only valid in \(main), before its first rule or include"
            ])
    }
}

@Test func otherRequireLinesAreUnknownCommandsAsInTheCHelper() {
    let result = load("require options please\nallow all\n")
    #expect(!result.succeeded)
    #expect(result.errors.first?.message == "Unknown command `require'")
}

// MARK: parity without the directive

@Test func withoutTheDirectiveOptionsArePartOfTheName() {
    let result = load("allow br0 user=x\n")
    #expect(result.succeeded)
    #expect(result.rules.map(\.target) == [.bridge(Array("br0 user=x".utf8))])
    #expect(result.rules.first?.options == RuleOptions())
    #expect(!decision(result, "br0", alice).isAllowed)
    #expect(
        result.diagnostics.contains { $0.severity == .warning && $0.message.description.contains("require options") })
}

@Test func withoutTheDirectiveTheWholeArgumentIsLengthChecked() {
    let result = load("allow br0 user=alice,bob\n")
    #expect(!result.succeeded)
    #expect(result.errors.first?.message == "name `br0 user=alice,bob' too long: 18")
}

@Test func withTheDirectiveOnlyTheNameIsLengthChecked() {
    let long = load("require options\nallow br0 user=alice,bob group=kvm vlan=100\n")
    #expect(long.succeeded)
    let tooLong = load("require options\nallow 0123456789abcdef user=alice\n")
    #expect(!tooLong.succeeded)
    #expect(tooLong.errors.first?.message == "name `0123456789abcdef' too long: 16")
    #expect(tooLong.errors.first?.isCHelperMessage == true)
}

@Test func plainRulesUnderTheDirectiveBehaveAsBefore() {
    let result = load("require options\nallow br0\ndeny br1\n")
    #expect(decision(result, "br0", alice).isAllowed)
    #expect(!decision(result, "br1", alice).isAllowed)
    #expect(decision(result, "br0", alice).portSettings == RuleOptions())
}

// MARK: matching

@Test func userListMatchesTheRealUID() {
    let result = load("require options\nallow br0 user=alice,1001\n")
    #expect(decision(result, "br0", alice).isAllowed)
    #expect(decision(result, "br0", bob).isAllowed)
    #expect(!decision(result, "br0", carol).isAllowed)
    #expect(!decision(result, "br1", alice).isAllowed)
}

@Test func groupListMatchesPrimaryAndSupplementaryGroups() {
    let result = load("require options\nallow br0 group=kvm,lab\n")
    #expect(decision(result, "br0", carol).isAllowed, "primary group kvm")
    #expect(decision(result, "br0", bob).isAllowed, "supplementary group lab")
    #expect(
        !decision(result, "br0", alice).isAllowed,
        "alice is listed in kvm in /etc/group, but the caller's groups are what counts")
    #expect(decision(result, "br0", CallerIdentity(uid: 5, gid: 5, supplementaryGroups: [9, 27])).isAllowed)
}

@Test func userAndGroupTogetherMustBothMatch() {
    let result = load("require options\nallow br0 user=bob,alice group=lab\n")
    #expect(decision(result, "br0", bob).isAllowed)
    #expect(!decision(result, "br0", alice).isAllowed, "alice is not in lab")
    #expect(!decision(result, "br0", CallerIdentity(uid: 7, gid: 2000)).isAllowed, "in lab but not listed")
}

@Test func denyWithAGroupWins() {
    let result = load("require options\nallow all\ndeny br0 group=lab\n")
    #expect(decision(result, "br0", bob) == .denied(by: result.rules[1]))
    #expect(decision(result, "br0", alice).isAllowed)
    #expect(decision(result, "br1", bob).isAllowed)
}

@Test func denyForOtherUsersDoesNotDeny() {
    let result = load("require options\ndeny br0 user=bob\nallow br0\n")
    #expect(decision(result, "br0", alice) == .allowed(by: result.rules[1]))
    #expect(decision(result, "br0", bob) == .denied(by: result.rules[0]))
}

@Test func portSettingsComeFromTheFirstMatchingAllowRule() {
    let result = load("require options\nallow br0 user=bob vlan=20\nallow br0 vlan=10 isolated\nallow all vlan=30\n")
    #expect(decision(result, "br0", bob).portSettings == RuleOptions(vlan: 20))
    #expect(decision(result, "br0", alice).portSettings == RuleOptions(vlan: 10, isolated: true))
    #expect(decision(result, "br9", alice).portSettings == RuleOptions(vlan: 30))
    #expect(decision(result, "br0", bob).reason == "allowed by \(main):2")
    #expect(Decision.denied(by: nil).portSettings == RuleOptions())
}

@Test func anUnknownCallerNeverGetsAConditionalAllowAndAlwaysGetsAConditionalDeny() {
    let result = load("require options\nallow br0 user=alice\nallow br1\ndeny br1 group=lab\nallow br2\n")
    let bridges = ["br0", "br1", "br2"].map { Array($0.utf8) }
    #expect(bridges.map { decide(bridge: $0, rules: result.rules).isAllowed } == [false, false, true])
    // Without conditions the old entry point is the caller-aware decision for anyone.
    let plain = load("allow br0\ndeny br1\n")
    for bridge in bridges {
        #expect(decide(bridge: bridge, rules: plain.rules) == decide(bridge: bridge, caller: bob, rules: plain.rules))
    }
}

@Test func numericIdsNeedNoAccountFiles() {
    var files = OptionFiles([main: "require options\nallow br0 user=1000 group=27\n"])
    files.files["/etc/passwd"] = nil
    files.files["/etc/group"] = nil
    let result = ACLLoader(source: files).load(Array(main.utf8))
    #expect(result.succeeded)
    #expect(result.rules.first?.options == RuleOptions(users: [1000], groups: [27]))
}

@Test func untrustedAccountFilesFailTheACL() {
    var files = OptionFiles([main: "require options\nallow br0 user=alice\n"])
    files.refused = ["/etc/passwd"]
    let result = ACLLoader(source: files).load(Array(main.utf8))
    #expect(!result.succeeded)
    #expect(
        errors(result) == [
            "\(main):2: cannot resolve user and group names: /etc/passwd: it is owned by uid 1000, not root"
        ])
}

@Test func accountFilesTakeTheFirstEntryAndRefuseMalformedLines() {
    let first = OptionFiles([
        "/etc/passwd": "# eve:x:0:0::/:/bin/sh\n\neve:x:1500:1500::/:/bin/sh\neve:x:1600:1600::/:/bin/sh\n"
    ])
    #expect(AccountFileDatabase(source: first).userID(named: Array("eve".utf8)) == .found(1500))
    #expect(AccountFileDatabase(source: first).userID(named: Array("ev".utf8)) == .unknown)
    #expect(AccountFileDatabase(source: first).groupID(named: Array("lab".utf8)) == .found(2000))
    // A line glibc may read as eve's (it takes `+1000`) must not let a later line speak for eve.
    let odd = OptionFiles(["/etc/passwd": "eve:x:+1000:1000::/:/bin/sh\neve:x:1500:1500::/:/bin/sh\n"])
    #expect(
        AccountFileDatabase(source: odd).userID(named: Array("eve".utf8))
            == .unavailable("/etc/passwd:1: uid `+1000' is not a decimal number from 0 to 4294967294"))
}

@Test func optionsAreRenderedForTheAuditLine() {
    #expect(
        RuleOptions(users: [1, 2], groups: [3], vlan: 10, isolated: true).message == "user=1,2 group=3 vlan=10 isolated"
    )
    #expect(RuleOptions(users: [1], vlan: 10).portSettingsMessage == "vlan=10")
    #expect(RuleOptions().message == "")
}

@Test func portSettingsAreTheOptionsWithoutWhomTheRuleIsAbout() {
    let options = RuleOptions(users: [1], groups: [2], vlan: 10, isolated: true)
    #expect(options.portSettings == RuleOptions(vlan: 10, isolated: true))
    let rule = ACLRule(action: .allow, target: .all, location: location(2), options: options)
    #expect(Decision.allowed(by: rule).portSettings == options.portSettings)
    #expect(Decision.denied(by: rule).portSettings == RuleOptions())
    #expect(options.portSettingsMessage == options.portSettings.message)
    #expect(!RuleOptions(users: [1], groups: [2]).hasPortSettings)
    #expect(RuleOptions(isolated: true).hasPortSettings && RuleOptions(vlan: 1).hasPortSettings)
}

@Test func withoutTheDirectiveAnEmptyNameIsTheCHelpersRuleForNoBridge() {
    // The C helper takes `allow ` as a rule for the bridge `' (it matches nothing): parity.
    let result = load("allow \ndeny user=mallory\n")
    #expect(result.succeeded)
    #expect(result.rules.map(\.target) == [.bridge([]), .bridge(Array("user=mallory".utf8))])
}
