/// One helper run through the probe, inside a world: the probe's report, the helper's
/// stderr, and the tun/tap devices left in the world after the probe exited.
struct ProbeRun: Sendable, CustomStringConvertible {
    let report: ProbeReport
    let stderr: String
    /// `ip -o link show type tun` after the probe exited: must be empty, since the tap
    /// lives only as long as the probe holds its fd.
    let tapsLeft: String

    var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }

    var description: String {
        "report:\n\(report.description)stderr:\n\(stderr)taps left: \(tapsLeft.isEmpty ? "none" : tapsLeft)"
    }
}
