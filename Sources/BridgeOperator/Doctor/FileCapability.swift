import CBridgeShim
@preconcurrency import Glibc

/// The `security.capability` extended attribute of a file (struct vfs_cap_data in
/// linux/capability.h): what `setcap` wrote, read without libcap's text format.
struct FileCapability: Equatable {
    var permitted: UInt64
    var effective: Bool

    static let netAdmin = 12  // CAP_NET_ADMIN

    var hasNetAdmin: Bool { permitted & (1 << UInt64(Self.netAdmin)) != 0 }

    static func read(_ path: String) -> FileCapability? {
        var raw = [UInt8](repeating: 0, count: 64)
        let length = getxattr(path, "security.capability", &raw, raw.count)
        guard length >= 12 else { return nil }
        return parse(Array(raw[..<length]))
    }

    /// Layout: magic_etc (le32; bit 0 = effective), then per 32-bit word of capabilities
    /// {permitted le32, inheritable le32}; revision 2 and 3 have two words.
    static func parse(_ bytes: [UInt8]) -> FileCapability? {
        func word(_ offset: Int) -> UInt32 {
            guard offset + 4 <= bytes.count else { return 0 }
            return bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
        let magic = word(0)
        let revision = magic & 0xFF00_0000
        guard [0x0100_0000, 0x0200_0000, 0x0300_0000].contains(revision) else { return nil }
        let low = UInt64(word(4))
        let high = revision == 0x0100_0000 ? 0 : UInt64(word(12))
        return FileCapability(permitted: low | high << 32, effective: magic & 1 != 0)
    }
}
