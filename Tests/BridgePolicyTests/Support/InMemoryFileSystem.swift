// Shared by the unit tests and the fuzz targets (scripts/fuzz compiles this file too),
// so it uses only the public API of BridgePolicy.
import BridgePolicy

/// A fake file system for the ACL loader: each path holds a file, or cannot be opened
/// (missing, no permission for this caller), or is refused (untrusted).
///
/// Paths are normalised on lookup (`//`, `.` and `..`), as the kernel does, so one file
/// reached by two spellings has one identity, like a real inode.
struct InMemoryFileSystem: ACLFileSource {
    private var entries: [[UInt8]: ACLFileRead] = [:]
    private var nextInode: UInt64 = 1

    init() {}

    mutating func addFile(_ path: [UInt8], _ contents: [UInt8]) {
        entries[Self.normalised(path)] = .contents(contents, FileIdentity(device: 1, inode: nextInode))
        nextInode += 1
    }

    mutating func addFile(_ path: String, _ contents: String) {
        addFile(Array(path.utf8), Array(contents.utf8))
    }

    /// A file that exists but cannot be opened by the caller (the per-user include pattern).
    mutating func addUnavailable(_ path: [UInt8], because reason: Message = "Permission denied") {
        entries[Self.normalised(path)] = .unavailable(reason)
    }

    mutating func addUnavailable(_ path: String, because reason: Message = "Permission denied") {
        addUnavailable(Array(path.utf8), because: reason)
    }

    /// A file that could not be read for a reason other than "missing" or "not yours" (EMFILE, EIO, an LSM).
    mutating func addFailed(_ path: String, because reason: Message) {
        entries[Self.normalised(Array(path.utf8))] = .failed(reason)
    }

    /// A file the helper must not trust (not root's, group-writable, a symlink...).
    mutating func addRefused(_ path: [UInt8], because reason: Message = "it is owned by uid 1000, not root") {
        entries[Self.normalised(path)] = .refused(reason)
    }

    mutating func addRefused(_ path: String, because reason: Message = "it is owned by uid 1000, not root") {
        addRefused(Array(path.utf8), because: reason)
    }

    func read(_ path: [UInt8]) -> ACLFileRead {
        entries[Self.normalised(path)] ?? .unavailable("No such file or directory")
    }

    /// `/a//b/./c/../d` -> `/a/b/d`. Relative paths stay relative (the loader never asks
    /// for one unless an include names one from a relative main path).
    static func normalised(_ path: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        var components: [ArraySlice<UInt8>] = []
        for component in path.split(separator: slash) {
            if component.elementsEqual([dot]) { continue }
            if component.elementsEqual([dot, dot]) {
                if !components.isEmpty { components.removeLast() }
                continue
            }
            components.append(component)
        }
        let joined = Array(components.joined(separator: [slash]))
        return path.first == slash ? [slash] + joined : joined
    }
}
