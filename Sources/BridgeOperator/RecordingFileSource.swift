import BridgePolicy
import BridgeSystem

/// The helper's own file source, in the mode that reads untrusted files too (they are still
/// refused by the loader), remembering what each file held so that lint can look at the
/// lines again with the same grammar.
final class RecordingFileSource: ACLFileSource {
    let trusted: any ACLFileSource
    private(set) var contents: [(path: [UInt8], bytes: [UInt8])] = []

    init(_ trusted: any ACLFileSource) { self.trusted = trusted }

    func read(_ path: [UInt8]) -> ACLFileRead {
        let read = trusted.read(path)
        switch read {
        case .contents(let bytes, _), .untrusted(let bytes, _, _):
            if !contents.contains(where: { $0.path == path }) { contents.append((path, bytes)) }
        case .unavailable, .failed, .refused:
            break
        }
        return read
    }
}
