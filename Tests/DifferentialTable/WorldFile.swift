import Foundation

/// A file, symlink or directory placed in a world before a case runs (in its private
/// /etc/qemu, or under $WORLD). Paths may use `$WORLD`; the world's shell expands it.
struct WorldFile: Sendable {
    enum Kind: Sendable {
        case regular([UInt8])
        case symbolicLink(to: String)
        case directory
    }

    static let bridgeConf = "/etc/qemu/bridge.conf"
    static let root: UInt32 = 0
    static let nobody: UInt32 = 65534

    var path: String
    var kind: Kind
    var owner: UInt32 = root
    var group: UInt32 = root
    var mode: UInt16 = 0o644

    init(_ path: String, _ contents: String, owner: UInt32 = root, group: UInt32 = root, mode: UInt16 = 0o644) {
        self.init(path, bytes: Array(contents.utf8), owner: owner, group: group, mode: mode)
    }

    init(_ path: String, bytes: [UInt8], owner: UInt32 = root, group: UInt32 = root, mode: UInt16 = 0o644) {
        self.path = path
        self.kind = .regular(bytes)
        self.owner = owner
        self.group = group
        self.mode = mode
    }

    static func symbolicLink(_ path: String, to target: String) -> WorldFile {
        var file = WorldFile(path, "")
        file.kind = .symbolicLink(to: target)
        return file
    }

    static func directory(_ path: String, owner: UInt32 = root, mode: UInt16 = 0o755) -> WorldFile {
        var file = WorldFile(path, "", owner: owner, group: owner, mode: mode)
        file.kind = .directory
        return file
    }

    /// The shell command that puts this file in place; `staged` holds a regular file's bytes.
    func installCommand(staged: String) -> String {
        let attributes = "-m \(String(mode, radix: 8)) -o \(owner) -g \(group)"
        switch kind {
        case .regular:
            return "install -D \(attributes) \(shellQuoted(staged)) \(shellPath(path))"
        case .symbolicLink(let target):
            return "ln -s \(shellPath(target)) \(shellPath(path))"
        case .directory:
            return "install -d \(attributes) \(shellPath(path))"
        }
    }
}

/// One argument for bash, taken literally.
func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// A path for bash in which `$WORLD` (and only that) is expanded.
func shellPath(_ path: String) -> String {
    let parts = path.components(separatedBy: "$WORLD")
    return parts.map(shellQuoted).joined(separator: "\"$WORLD\"")
}
