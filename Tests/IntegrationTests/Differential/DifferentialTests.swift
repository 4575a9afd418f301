import Testing

@testable import DifferentialTable

/// Debian's C helper and ours, on the same case in the same fresh world, both as
/// cap_net_admin+ep copies run as uid 65534 (contract section 7); then ours again through
/// the broker (`ours-broker`, no privilege, forwarding to swift-bridge-helperd), which must
/// give exactly ours' result unless the case says why not (`broker`).
@Suite(.enabled(if: TestPrerequisites.isRoot, TestPrerequisites.skipReason))
struct DifferentialTests {
    /// The only line where the two helpers name themselves.
    static func normalised(_ cLine: String) -> String {
        cLine.replacingOccurrences(of: "Usage: qemu-bridge-helper ", with: "Usage: swift-bridge-helper ")
    }

    @Test(arguments: DifferentialCase.all)
    func agreesWithTheCHelper(_ testCase: DifferentialCase) throws {
        let (c, ours, broker) = try runAll(testCase)
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
        expectBroker(broker, agreesWith: ours, testCase)
    }

    /// Printed by whichever process connects the audit log: the helper itself, or the
    /// broker's child (to the daemon's journal), never the forwarding helper.
    static let noLogNote = "swift-bridge-helper: note: no system log at /dev/log "

    /// The broker path gives ours' result: outcome, exit status, tap, stderr (but the
    /// no-log note), nothing left; or the case's documented broker difference.
    func expectBroker(_ broker: ProbeRun, agreesWith ours: ProbeRun, _ testCase: DifferentialCase) {
        let both = "ours:\n\(ours)\nbroker:\n\(broker)"
        #expect(broker.report.exitStatus != nil, "the probe failed: \(broker)")
        #expect(broker.tapsLeft.isEmpty, "a tap outlived its fd through the broker:\n\(broker)")
        if let difference = testCase.broker {
            #expect(outcome(of: broker) == difference.outcome, "broker difference `\(difference.reason)':\n\(both)")
            if let message = difference.message {
                #expect(broker.stderrLines.contains { $0.contains(message) }, "expected `\(message)':\n\(both)")
            }
            return
        }
        #expect(outcome(of: broker) == outcome(of: ours), "\(both)")
        #expect(broker.report.exitStatus == ours.report.exitStatus, "\(both)")
        #expect(broker.report.descriptorCount == ours.report.descriptorCount, "\(both)")
        #expect(broker.report.data == ours.report.data, "\(both)")
        #expect(broker.report.tapProperties == ours.report.tapProperties, "\(both)")
        let oursLines = ours.stderrLines.filter { !$0.hasPrefix(Self.noLogNote) }
        #expect(broker.stderrLines == oursLines, "stderr differs through the broker\n\(both)")
    }

    func outcome(of run: ProbeRun) -> DifferentialCase.Outcome {
        run.report.exitStatus == 0 && run.report.receivedDescriptor ? .tap : .fails
    }

    /// The C helper first, then ours, then ours through the broker, in one world: each tap
    /// is gone (with its probe) before the next runs, so all get the same tap name.
    func runAll(_ testCase: DifferentialCase) throws -> (c: ProbeRun, ours: ProbeRun, broker: ProbeRun) {
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
        script.append("probe broker ours-broker \(arguments)")
        let run = try world.run(script.joined(separator: "\n"))
        return (try run.probe("c"), try run.probe("ours"), try run.probe("broker"))
    }

}

/// Each case is shown by its name.
extension DifferentialCase: CustomTestStringConvertible {
    public var testDescription: String { name }
}
