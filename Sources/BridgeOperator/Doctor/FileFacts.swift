import BridgeSystem
@preconcurrency import Glibc

/// Small reads of the host's state for `doctor`: stat, one-line files, directory names.
enum FileFacts {
    static func status(_ path: String, following: Bool = true) -> stat? {
        var result = stat()
        return (following ? stat(path, &result) : lstat(path, &result)) == 0 ? result : nil
    }

    /// The whole file as text, or nil if it cannot be read.
    static func text(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard case .success(let bytes) = FileContents.read(fd) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func firstLine(_ path: String) -> String? {
        text(path)?.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }

    static func entries(of directory: String) -> [String]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The tun character device, 10:200 (whatever path reaches it).
    static func isTunDevice(_ status: stat) -> Bool {
        let major = (status.st_rdev >> 8) & 0xfff
        let minor = (status.st_rdev & 0xff) | ((status.st_rdev >> 12) & 0xfff00)
        return status.st_mode & S_IFMT == S_IFCHR && major == 10 && minor == 200
    }
}
