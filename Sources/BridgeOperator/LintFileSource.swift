import BridgePolicy
import BridgeSystem
@preconcurrency import Glibc

/// The helper's file source for `lint`: every file is judged exactly as the helper judges it,
/// but a regular file the helper refuses (not root's, writable by others, on an untrusted
/// path) is read anyway, so that its lines are checked too. The refusal is remembered and
/// reported by the linter; the helper's source and loader never see such a file.
///
/// The helper's loader stops at a file's first error; lint loads again and again, each time
/// serving the lines it already stopped at as stepped over (`stepOver`), to find the next.
final class LintFileSource: ACLFileSource {
    let trusted: TrustedFileSource
    /// Every file handed to the loader, with what it held.
    private(set) var files: [(path: [UInt8], bytes: [UInt8])] = []
    /// Files the helper refuses that were read for checking only, with why they are refused.
    private(set) var refusals: [(path: [UInt8], why: Message)] = []

    /// Per file, the lines a load stopped at; later loads step over them.
    private var steppedOver: [[UInt8]: Set<Int>] = [:]

    init(_ trusted: TrustedFileSource = TrustedFileSource()) { self.trusted = trusted }

    func read(_ path: [UInt8]) -> ACLFileRead {
        var read = trusted.read(path)
        if case .refused(let why) = read, let anyway = readForChecking(path) {
            if !refusals.contains(where: { $0.path == path }) { refusals.append((path, why)) }
            read = anyway
        }
        if case .contents(let bytes, _) = read, !files.contains(where: { $0.path == path }) {
            files.append((path, bytes))
        }
        if case .contents(let bytes, let identity) = read, let lines = steppedOver[path] {
            return .contents(stepping(over: lines, in: bytes), identity)
        }
        return read
    }

    /// Later loads read on past this line; false if they already do (so no load would get further).
    func stepOver(_ line: SourceLocation) -> Bool {
        steppedOver[line.file, default: []].insert(line.line).inserted
    }

    func isSteppedOver(_ line: SourceLocation) -> Bool {
        steppedOver[line.file]?.contains(line.line) ?? false
    }

    /// The contents with those lines made inert, as if the loader went on past a bad line: blank,
    /// or for an include, an include of nothing (still a statement, for `require options`).
    func stepping(over lines: Set<Int>, in bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for (index, line) in FileLines(bytes).enumerated() {
            if index > 0 { result.append(UInt8(ascii: "\n")) }
            guard lines.contains(index + 1) else {
                result += line
                continue
            }
            if case .include = ACLGrammar.parse(line) { result += Array("include ".utf8) }
        }
        return result
    }

    /// Only what is safe to read at all: not through a symlink, and what every reader checks
    /// (a regular file within the limit), without the helper's trust checks.
    func readForChecking(_ path: [UInt8]) -> ACLFileRead? {
        guard !path.contains(0) else { return nil }
        let fd = withCString(path) { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let read = ACLFileRead.reading(fd, limit: trusted.limits.maximumFileSize)
        guard case .contents = read else { return nil }
        return read
    }
}
