import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// Opens an ACL file through directories that only root can change, as OpenSSH's
/// StrictModes checks them: every directory from `/` down is root's and not writable by its
/// group or others unless sticky. Otherwise another user could remove or rename a root-owned
/// include, and its `deny` would vanish as a missing file.
///
/// The walk is made on descriptors, one component at a time (openat with O_PATH and
/// O_NOFOLLOW, then fstat), so what is checked is what is opened: no path is looked up twice.
enum TrustedPath {
    enum Opened {
        /// The file, opened for reading; not yet checked itself.
        case file(Int32)
        /// The `ACLFileRead` cases it may end in instead.
        case unavailable(Message), refused(Message), failed(Message)
    }

    static let slash = UInt8(ascii: "/")

    static func open(_ path: [UInt8]) -> Opened {
        var components = path.split(separator: slash)
        guard path.first == slash, let name = components.popLast() else {
            return .refused("it is not an absolute path to a file")
        }
        var directory: Descriptor
        do { directory = try .opening("open") { Glibc.open("/", sbh_O_PATH | O_DIRECTORY | O_CLOEXEC) } } catch {
            return .failed(error.text)
        }
        var directoryPath: [UInt8] = [slash]
        var permissions: FilePermissions
        switch trust(directory, directoryPath) {
        case .success(let found): permissions = found
        case .failure(let problem): return problem.opened
        }
        for component in components {
            let shown = directoryPath + component
            do {
                let next = try withCString(Array(component)) { name throws(SystemError) in
                    try directory.syscall("openat") {
                        openat($0, name, sbh_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    }
                }
                directory = Descriptor(owning: next)
            } catch {
                return lookupFailure(error.errno, of: Array(shown), in: directory, permissions)
            }
            directoryPath = shown + [slash]
            switch trust(directory, Array(shown)) {
            case .success(let found): permissions = found
            case .failure(let problem): return problem.opened
            }
        }
        // O_NONBLOCK: opening a FIFO must not hang; O_NOCTTY: a terminal must not become ours.
        do {
            return .file(
                try withCString(Array(name)) { name throws(SystemError) in
                    try directory.syscall("openat") {
                        openat($0, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
                    }
                })
        } catch {
            if error.errno == ELOOP { return .refused("it is a symbolic link") }
            return lookupFailure(error.errno, of: path, in: directory, permissions, reading: true)
        }
    }

    /// A directory on the path is root's and writable only by root (or sticky).
    static func trust(_ directory: Descriptor, _ path: [UInt8]) -> Result<FilePermissions, TrustFailure> {
        var status = stat()
        do { try directory.syscall("fstat") { fstat($0, &status) } } catch {
            return .failure(TrustFailure(.failed(error.text)))
        }
        if status.st_uid != 0 {
            return .failure(
                TrustFailure(
                    .refused("the directory `\(path)' on its path is owned by uid \(UInt32(status.st_uid)), not root")))
        }
        if status.st_mode & 0o022 != 0 && status.st_mode & S_ISVTX == 0 {
            return .failure(
                TrustFailure(
                    .refused(
                        "the directory `\(path)' on its path is writable by its group or by others (mode \(FilePermissions.octal(status.st_mode))), so others could remove or replace what it holds"
                    )))
        }
        return .success(FilePermissions(mode: status.st_mode, owner: status.st_uid, group: status.st_gid))
    }

    struct TrustFailure: Error {
        let opened: Opened
        init(_ opened: Opened) { self.opened = opened }
    }

    /// Why `name` in `directory` could not be opened, sorted into what may be skipped (it
    /// is not there; the mode bits keep this caller out) and what fails the ACL.
    static func lookupFailure(
        _ code: Int32, of path: [UInt8], in directory: Descriptor, _ directoryPermissions: FilePermissions,
        reading: Bool = false
    ) -> Opened {
        let name = Array(path.split(separator: slash).last ?? [])
        switch code {
        case ENOENT:
            return .unavailable(errorText(code))
        case ENOTDIR:
            // O_NOFOLLOW|O_DIRECTORY on a symbolic link: a link on the path is refused, as the file itself would be.
            let isLink = linkStatus(of: name, in: directory).map { $0.st_mode & S_IFMT == S_IFLNK } ?? false
            return isLink ? .refused("`\(path)' on its path is a symbolic link") : .unavailable(errorText(code))
        case EACCES:
            guard let caller = try? CallerIdentity.current() else { return .failed(errorText(code)) }
            var explained = !directoryPermissions.allows(.search, to: caller)
            if !explained, reading, let status = linkStatus(of: name, in: directory) {
                explained = !FilePermissions(mode: status.st_mode, owner: status.st_uid, group: status.st_gid).allows(
                    .read, to: caller)
            }
            if explained { return .unavailable(errorText(code)) }
            return .failed(
                "\(errorText(code)), which its mode bits do not explain (a security module such as AppArmor refused it?)"
            )
        default:
            return .failed(errorText(code))
        }
    }

    /// What `name` in `directory` is, not following a link; nil when that cannot be found out.
    static func linkStatus(of name: [UInt8], in directory: Descriptor) -> stat? {
        var status = stat()
        let found = withCString(name) { name in
            (try? directory.syscall("fstatat") { fstatat($0, name, &status, AT_SYMLINK_NOFOLLOW) }) != nil
        }
        return found ? status : nil
    }
}
