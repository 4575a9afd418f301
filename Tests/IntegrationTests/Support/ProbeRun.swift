/// One helper run through the probe, inside a world: the probe's report, the helper's
/// stderr, and the tun/tap devices left in the world after the probe exited.
struct ProbeRun: Sendable, CustomStringConvertible {
    let report: ProbeReport
    let stderr: String
    /// `ip -o link show type tun` once the probe exited (waiting up to 3 s for the taps to go):
    /// must be empty, since the tap lives only as long as the probe (and, a moment longer, the
    /// broker's child that sent it) holds its fd.
    let tapsLeft: String

    /// Non-empty lines, split at `\n` bytes only: Swift treats `\r\n` as one Character, and
    /// a CR the C helper prints as part of a raw line must stay part of that line.
    var stderrLines: [String] {
        stderr.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    var description: String {
        "report:\n\(report.description)stderr:\n\(stderr)taps left: \(tapsLeft.isEmpty ? "none" : tapsLeft)"
    }
}
