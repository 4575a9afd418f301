import BridgePolicy

/// An in-memory file system carved out of one fuzz input, so that the fuzzer can invent
/// whole include trees. The input is split at each `\n@@ ` marker: the part before the
/// first marker is the main file; each later part is `PATH\nCONTENTS`. A PATH starting
/// with `?` makes an unavailable file, one starting with `!` a refused (untrusted) one.
/// /etc/passwd and /etc/group hold FuzzAccounts unless the input carves its own.
///
///     allow br0
///     include users/alice.conf
///     @@ /etc/qemu/users/alice.conf
///     allow alice0
struct CarvedFileSystem {
    static let mainPath: [UInt8] = Array("/etc/qemu/bridge.conf".utf8)
    private static let marker: [UInt8] = Array("\n@@ ".utf8)

    var fileSystem = InMemoryFileSystem()
    /// What each readable path holds, to check rules against the lines they came from.
    var contents: [[UInt8]: [UInt8]] = [:]
    /// False when the input carved its own /etc/passwd or /etc/group: names then resolve to
    /// whatever those say, not to FuzzAccounts.
    private(set) var hasFuzzAccounts = true

    init(_ input: [UInt8]) {
        let parts = Self.split(input)
        add(FuzzAccounts.passwdPath, FuzzAccounts.passwd)
        add(FuzzAccounts.groupPath, FuzzAccounts.group)
        add(Self.mainPath, Array(parts[0]))
        for part in parts.dropFirst() {
            let newline = part.firstIndex(of: UInt8(ascii: "\n")) ?? part.endIndex
            let path = Array(part[..<newline])
            let body = Array(part[newline...].dropFirst())
            let marked = path.first == UInt8(ascii: "?") || path.first == UInt8(ascii: "!")
            let named = InMemoryFileSystem.normalised(marked ? Array(path.dropFirst()) : path)
            if named == FuzzAccounts.passwdPath || named == FuzzAccounts.groupPath { hasFuzzAccounts = false }
            switch path.first {
            case UInt8(ascii: "?"):
                fileSystem.addUnavailable(named)
                contents[named] = nil
            case UInt8(ascii: "!"):
                fileSystem.addRefused(named)
                contents[named] = nil
            default: add(path, body)
            }
        }
    }

    private mutating func add(_ path: [UInt8], _ body: [UInt8]) {
        fileSystem.addFile(path, body)
        contents[InMemoryFileSystem.normalised(path)] = body
    }

    /// The contents of a file as the loader read it (by the path it used).
    func file(_ path: [UInt8]) -> [UInt8]? { contents[InMemoryFileSystem.normalised(path)] }

    private static func split(_ input: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = input.startIndex
        var index = input.startIndex
        while index + marker.count <= input.endIndex {
            if input[index..<index + marker.count].elementsEqual(marker) {
                parts.append(input[start..<index])
                index += marker.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(input[start...])
        return parts
    }
}
