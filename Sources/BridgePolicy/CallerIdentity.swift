/// Who is asking: the real uid, the primary gid and the supplementary groups of the
/// process that ran the helper. `user=` and `group=` rule options are matched against it.
public struct CallerIdentity: Equatable, Hashable, Sendable {
    public var uid: UInt32
    public var gid: UInt32
    public var supplementaryGroups: [UInt32]

    public init(uid: UInt32, gid: UInt32, supplementaryGroups: [UInt32] = []) {
        self.uid = uid
        self.gid = gid
        self.supplementaryGroups = supplementaryGroups
    }

    /// The primary group counts as much as a supplementary one, as for file permissions.
    public func isMember(of group: UInt32) -> Bool {
        gid == group || supplementaryGroups.contains(group)
    }
}
