import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// The ids the kernel holds for this process, read back after a switch: a call that returned
/// 0 is not proof of what the process now is.
public struct ProcessCredentials: Equatable, Sendable {
    public var userIDs: RealEffectiveSaved
    public var groupIDs: RealEffectiveSaved
    /// nil when not read (the helper's drop leaves the caller's groups alone).
    public var groups: [gid_t]?

    public static func current(readingGroups: Bool = true) throws(SystemError) -> ProcessCredentials {
        ProcessCredentials(
            userIDs: try userIDs(), groupIDs: try groupIDs(), groups: readingGroups ? try supplementaryGroups() : nil)
    }

    public static func userIDs() throws(SystemError) -> RealEffectiveSaved {
        var ids = RealEffectiveSaved()
        try syscall("getresuid") { sbh_getresuid(&ids.real, &ids.effective, &ids.saved) }
        return ids
    }

    public static func groupIDs() throws(SystemError) -> RealEffectiveSaved {
        var ids = RealEffectiveSaved()
        try syscall("getresgid") { sbh_getresgid(&ids.real, &ids.effective, &ids.saved) }
        return ids
    }

    /// This process's supplementary groups, as getgroups(2) lists them.
    public static func supplementaryGroups() throws(SystemError) -> [gid_t] {
        let count = try syscall("getgroups") { getgroups(0, nil) }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let read = try syscall("getgroups") { getgroups(count, &groups) }
        return Array(groups.prefix(Int(read)))
    }
}

/// A real, effective and saved uid (or gid).
public struct RealEffectiveSaved: Equatable, Sendable {
    public var real: UInt32 = 0
    public var effective: UInt32 = 0
    public var saved: UInt32 = 0

    /// All three are `id`.
    public func are(_ id: UInt32) -> Bool { real == id && effective == id && saved == id }

    /// `real/effective/saved`.
    public var message: Message { "\(real)/\(effective)/\(saved)" }
}
