import BridgePolicy
@preconcurrency import Glibc

extension ACLFileRead {
    /// Reads an open ACL file: fstat on this very descriptor, the checks every reader makes
    /// (a regular file within the size limit), the reader's own `trust` checks, then its
    /// contents and identity. The one reading of an opened file, for the helper and lint.
    public static func reading(_ fd: Int32, limit: Int, trust: (stat) -> Message? = { _ in nil }) -> ACLFileRead {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .failed(errorText(errno)) }
        if status.st_mode & S_IFMT != S_IFREG { return .refused("it is not a regular file") }
        if status.st_size > limit { return .refused("it is larger than \(limit) bytes") }
        if let problem = trust(status) { return .refused(problem) }
        switch FileContents.read(fd, limit: limit) {
        case .success(let bytes):
            return .contents(bytes, FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino)))
        case .failure(.tooLarge): return .refused("it is larger than \(limit) bytes")
        case .failure(.readError(let code)): return .failed(errorText(code))
        }
    }
}
