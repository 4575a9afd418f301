/// Whether a file's mode bits let a caller read it (or, for a directory, search it), as the
/// kernel decides without capabilities: the owner's bits for its owner, else the group's
/// bits for a member of its group, else the others' bits.
///
/// The loader may skip an include only when its mode bits explain the EACCES: the per-user
/// pattern (`include /etc/qemu/alice.conf`, mode 0640, group alice). An EACCES the bits do
/// not explain came from somewhere else (an AppArmor or SELinux refusal, a POSIX ACL), and
/// a `deny` there must not be lost to it: the ACL then fails.
public struct FilePermissions: Equatable, Sendable {
    public var mode: UInt32
    public var owner: UInt32
    public var group: UInt32

    public init(mode: UInt32, owner: UInt32, group: UInt32) {
        self.mode = mode
        self.owner = owner
        self.group = group
    }

    public enum Access: UInt32, Sendable {
        case read = 4
        case search = 1
    }

    /// A mode as `ls` and chmod write it: `0644`, `04755`.
    public static func octal(_ mode: UInt32) -> Message {
        Message(stringLiteral: "0" + String(mode & 0o7777, radix: 8))
    }

    public func allows(_ access: Access, to caller: CallerIdentity) -> Bool {
        let shift: UInt32 = caller.uid == owner ? 6 : caller.isMember(of: group) ? 3 : 0
        return (mode >> shift) & access.rawValue != 0
    }
}
