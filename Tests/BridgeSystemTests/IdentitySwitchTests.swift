// The one identity switch of the helper and helperctl, and the drop's read-back messages.
// Only switches to who the test process already is: nothing here changes its identity.
import BridgePolicy
import Glibc
import Testing

@testable import BridgeSystem

@Suite struct IdentitySwitching {
    @Test func becomingWhoWeAreReadsBackTheSameIDs() throws {
        let found = try IdentitySwitch.become(uid: getuid(), gid: getgid(), groups: nil)
        #expect(found.userIDs == RealEffectiveSaved(real: getuid(), effective: geteuid(), saved: getuid()))
        #expect(found.groupIDs.are(getgid()))
        #expect(found.groups == nil)
    }

    /// setgroups needs CAP_SETGID even to set the groups we have: root keeps them, anyone else
    /// is refused, and the refusal names the call.
    @Test func theGroupsAreSetFirstAndReadBack() throws {
        let groups = try ProcessCredentials.supplementaryGroups()
        if geteuid() == 0 {
            let found = try IdentitySwitch.become(uid: getuid(), gid: getgid(), groups: groups.reversed())
            #expect(found.groups.map(Set.init) == Set(groups))
        } else {
            #expect(throws: IdentitySwitch.Failure.call(SystemError(call: "setgroups", errno: EPERM))) {
                try IdentitySwitch.become(uid: getuid(), gid: getgid(), groups: groups)
            }
        }
    }

    @Test func theDropNamesTheIDsThatAreWrong() {
        var found = ProcessCredentials(
            userIDs: RealEffectiveSaved(real: 1000, effective: 1000, saved: 1000),
            groupIDs: RealEffectiveSaved(real: 100, effective: 100, saved: 100), groups: nil)
        #expect(Privileges.idsProblem(found, uid: 1000, gid: 100) == nil)
        found.userIDs.saved = 0
        #expect(Privileges.idsProblem(found, uid: 1000, gid: 100) == "user ids are 1000/1000/0, expected 1000")
        found.userIDs.saved = 1000
        found.groupIDs.effective = 0
        #expect(Privileges.idsProblem(found, uid: 1000, gid: 100) == "group ids are 100/0/100, expected 100")
    }
}
