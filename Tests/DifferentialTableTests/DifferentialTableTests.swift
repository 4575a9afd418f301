import Foundation
import Testing

// The differential table itself, which needs no root: IntegrationTests runs its cases
// against both helpers (as root); this checks, in every `swift test`, that the table is
// large, unambiguous, exercises every deliberate difference and that each is documented.
@testable import DifferentialTable

private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // DifferentialTableTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

@Test func differentialTableCoversEveryDeliberateDifference() {
    let cases = DifferentialCase.all
    #expect(cases.count >= 60)
    #expect(Set(cases.map(\.name)).count == cases.count, "case names must be unique")
    let covered = Set(cases.compactMap { $0.difference?.reason })
    #expect(
        covered == Set(DeliberateDifference.allCases),
        "without a case: \(Set(DeliberateDifference.allCases).subtracting(covered))")
}

/// Every difference has its entry in SECURITY.md, under its key in back quotes.
@Test func everyDeliberateDifferenceIsInSecurityMD() throws {
    let security = try String(contentsOf: packageRoot.appendingPathComponent("SECURITY.md"), encoding: .utf8)
    let undocumented = DeliberateDifference.allCases.filter { !security.contains("(`\($0.rawValue)`)") }
    #expect(undocumented.isEmpty, "not in SECURITY.md: \(undocumented)")
}

/// A case that fails closed says why; one that gives a tap where the C helper fails has no message to check.
@Test func everyDifferenceNamesOurMessage() {
    for testCase in DifferentialCase.all {
        guard let difference = testCase.difference else { continue }
        if difference.ours == .tap {
            #expect(testCase.cHelper == .fails, "`\(testCase.name)': both give a tap: no difference")
        }
        #expect(
            (difference.ours == .fails) == (difference.ourMessage?.isEmpty == false),
            "`\(testCase.name)': a failure needs our message, a tap none")
    }
}
