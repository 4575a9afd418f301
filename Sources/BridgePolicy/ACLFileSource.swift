/// Identifies a file independently of the path used to reach it (st_dev, st_ino),
/// so that include cycles are found even through different spellings of a path.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

public enum ACLFileRead: Sendable {
    case contents([UInt8], FileIdentity)
    /// Does not exist (ENOENT, ENOTDIR), or its mode bits do not let this caller read it
    /// (EACCES), in directories only root can change: the one kind of include that is
    /// skipped (the per-user pattern relies on it).
    case unavailable(Message)
    /// Could not be read for any other reason (EMFILE, ENFILE, ENOMEM, EIO, an EACCES that
    /// the mode bits do not explain, such as an LSM's): the whole ACL fails, because the
    /// file may hold a `deny`.
    case failed(Message)
    /// Opened, but not to be trusted (not root's, writable by others, not a regular file,
    /// a symlink, too large). We refuse the whole ACL, whichever file it is.
    case refused(Message)
}

/// How the policy reads ACL files. The helper's implementation opens them as the calling
/// user with O_NOFOLLOW and checks the open fd; tests use an in-memory one.
public protocol ACLFileSource {
    func read(_ path: [UInt8]) -> ACLFileRead
}

public struct ACLLimits: Sendable {
    /// Includes inside includes; the C helper recurses until it runs out of fds.
    public var maximumIncludeDepth = 16
    /// Files read in all, so that a diamond of includes cannot multiply the work.
    public var maximumFiles = 128
    /// Bytes in one file; a real bridge.conf is a few lines.
    public var maximumFileSize = 1 << 20

    public init() {}
    public static let standard = ACLLimits()
}
