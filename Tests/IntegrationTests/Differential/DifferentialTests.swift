import Testing

@testable import DifferentialTable

/// Debian's C helper and ours, on the same case in the same fresh world, both as
/// cap_net_admin+ep copies run as uid 65534 (contract section 7).
@Suite(.enabled(if: TestPrerequisites.isRoot, TestPrerequisites.skipReason))
struct DifferentialTests {
    /// The only line where the two helpers name themselves.
    static func normalised(_ cLine: String) -> String {
        cLine.replacingOccurrences(of: "Usage: qemu-bridge-helper ", with: "Usage: swift-bridge-helper ")
    }

    @Test(arguments: DifferentialCase.all)
    func agreesWithTheCHelper(_ testCase: DifferentialCase) throws {
        let (c, ours) = try runBoth(testCase)
        #expect(c.report.exitStatus != nil || c.report.values["signal"] != nil, "the probe failed: \(c)")
        #expect(ours.report.exitStatus != nil, "the probe failed: \(ours)")
        #expect(c.tapsLeft.isEmpty && ours.tapsLeft.isEmpty, "a tap outlived its fd:\n\(c)\n\(ours)")
        #expect(outcome(of: c) == testCase.cHelper, "the C helper does not do what the table says:\n\(c)")

        if let difference = testCase.difference {
            #expect(outcome(of: ours) == difference.ours, "documented difference `\(difference.reason)':\n\(ours)")
            if difference.ours == .fails {
                #expect(ours.report.exitStatus == 1, "\(ours)")
            }
            if let message = difference.ourMessage {
                #expect(ours.stderrLines.contains { $0.contains(message) }, "expected `\(message)':\n\(ours)")
            }
        } else {
            #expect(outcome(of: ours) == outcome(of: c), "C:\n\(c)\nours:\n\(ours)")
            #expect(ours.report.tapProperties == c.report.tapProperties, "C:\n\(c)\nours:\n\(ours)")
            let missing = c.stderrLines.map(Self.normalised).filter { !ours.stderrLines.contains($0) }
            #expect(missing.isEmpty, "C helper lines missing from ours: \(missing)\nC:\n\(c)\nours:\n\(ours)")
        }
    }

    func outcome(of run: ProbeRun) -> DifferentialCase.Outcome {
        run.report.exitStatus == 0 && run.report.receivedDescriptor ? .tap : .fails
    }

    /// The C helper first, then ours, in one world: the C helper's tap is gone (with its
    /// probe) before ours runs, so both get the same tap name.
    func runBoth(_ testCase: DifferentialCase) throws -> (c: ProbeRun, ours: ProbeRun) {
        let world = World(bridges: testCase.bridges, veths: testCase.veths, files: testCase.files)
        var script = [
            // A desktop session's soft limit: the C helper's include recursion ends when
            // fds run out (with a much larger limit it overflows its stack instead).
            "ulimit -Sn 1024"
        ]
        if !testCase.callerGroups.isEmpty {
            let groups = testCase.callerGroups.map(String.init).joined(separator: ",")
            script.append("RUN_AS=(setpriv --reuid=65534 --regid=65534 --groups=\(groups) --)")
        }
        if let directory = testCase.workingDirectory { script.append("cd \(shellPath(directory))") }
        let arguments = testCase.arguments.map(shellQuoted).joined(separator: " ")
        script.append("probe c c-cap \(arguments)")
        script.append("probe ours ours-cap \(arguments)")
        let run = try world.run(script.joined(separator: "\n"))
        return (try run.probe("c"), try run.probe("ours"))
    }

}

/// Each case is shown by its name.
extension DifferentialCase: CustomTestStringConvertible {
    public var testDescription: String { name }
}
