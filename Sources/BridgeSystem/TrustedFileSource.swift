import BridgePolicy
@preconcurrency import Glibc

/// Reads ACL files for the helper, as whoever this process now is (the caller, after the
/// privilege drop), and trusts only what root alone could have written: the file and every
/// directory on its path (TrustedPath). Every check is made with fstat on the fd actually
/// read, never on the path.
public struct TrustedFileSource: ACLFileSource {
    public var limits: ACLLimits

    public init(limits: ACLLimits = .standard) {
        self.limits = limits
    }

    public func read(_ path: [UInt8]) -> ACLFileRead {
        guard !path.contains(0) else { return .refused("the path contains a NUL byte") }
        let fd: Int32
        switch TrustedPath.open(absolute(path)) {
        case .file(let opened): fd = opened
        case .unavailable(let why): return .unavailable(why)
        case .refused(let why): return .refused(why)
        case .failed(let why): return .failed(why)
        }
        defer { close(fd) }
        return .reading(fd, limit: limits.maximumFileSize, trust: ownershipProblem)
    }

    /// The helper's paths are absolute; `lint FILE` may be given a relative one, which is
    /// checked from `/` through the current directory like any other.
    func absolute(_ path: [UInt8]) -> [UInt8] {
        guard path.first != UInt8(ascii: "/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) } + [UInt8(ascii: "/")] + path
    }

    /// Whether someone other than root could have written it.
    func ownershipProblem(_ status: stat) -> Message? {
        if status.st_uid != 0 { return "it is owned by uid \(UInt32(status.st_uid)), not root" }
        if status.st_mode & 0o022 != 0 {
            return "it is writable by its group or by others (mode \(FilePermissions.octal(status.st_mode)))"
        }
        return nil
    }
}
