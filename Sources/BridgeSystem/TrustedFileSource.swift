import BridgePolicy
@preconcurrency import Glibc

/// Reads ACL files for the helper, as whoever this process now is (the caller, after the
/// privilege drop), and trusts only what root alone could have written.
/// Every check is made with fstat on the fd actually read, never on the path.
public struct TrustedFileSource: ACLFileSource {
    public var limits: ACLLimits
    /// For the lint tool only: a regular file that fails the owner or mode check is still
    /// read and returned as `.untrusted` (which the loader refuses just the same), so that
    /// its lines can be checked too. Never set by the helper.
    public var readsUntrustedFiles = false

    public init(limits: ACLLimits = .standard, readsUntrustedFiles: Bool = false) {
        self.limits = limits
        self.readsUntrustedFiles = readsUntrustedFiles
    }

    public func read(_ path: [UInt8]) -> ACLFileRead {
        guard !path.contains(0) else { return .refused("the path contains a NUL byte") }
        // O_NONBLOCK: opening a FIFO must not hang; O_NOCTTY: a terminal must not become ours.
        let fd = withCString(path) { cPath in
            retryingEINTR { open(cPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        }
        guard fd >= 0 else {
            let code = errno
            return code == ELOOP ? .refused("it is a symbolic link") : .unavailable(errorText(code))
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .unavailable(errorText(errno)) }
        if let problem = shapeProblem(status) { return .refused(problem) }
        let ownership = ownershipProblem(status)
        if let ownership, !readsUntrustedFiles { return .refused(ownership) }
        guard let contents = readAll(fd) else { return .refused("it is larger than \(limits.maximumFileSize) bytes") }
        let identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        if let ownership { return .untrusted(contents, identity, ownership) }
        return .contents(contents, identity)
    }

    /// What must never be read at all: devices, FIFOs, directories, huge files.
    func shapeProblem(_ status: stat) -> Message? {
        if status.st_mode & S_IFMT != S_IFREG { return "it is not a regular file" }
        if status.st_size > limits.maximumFileSize { return "it is larger than \(limits.maximumFileSize) bytes" }
        return nil
    }

    /// Whether someone other than root could have written it.
    func ownershipProblem(_ status: stat) -> Message? {
        if status.st_uid != 0 { return "it is owned by uid \(UInt32(status.st_uid)), not root" }
        if status.st_mode & 0o022 != 0 {
            return "it is writable by its group or by others (mode \(octal(status.st_mode & 0o7777)))"
        }
        return nil
    }

    /// Reads to the end, refusing (nil) anything past the size limit: the file may grow
    /// after fstat.
    func readAll(_ fd: Int32) -> [UInt8]? {
        var contents: [UInt8] = []
        // Not zero-filled: only what read() wrote is kept, and 16 KiB of fresh zeros would
        // cost a memset and four new heap pages per file.
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count = retryingEINTR { Glibc.read(fd, chunk.baseAddress, chunk.count) }
            if count < 0 { return nil }
            if count == 0 { return contents }
            contents += UnsafeRawBufferPointer(rebasing: chunk[..<count])
            if contents.count > limits.maximumFileSize { return nil }
        }
    }
}

func octal(_ mode: mode_t) -> Message {
    Message(stringLiteral: "0" + String(mode, radix: 8))
}
