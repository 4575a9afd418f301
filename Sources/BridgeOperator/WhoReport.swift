import BridgePolicy

/// `who`: the taps on one bridge (or on every bridge), whom the helper made each for, and
/// who holds them now, with user names from the account files as `explain` reads them.
public struct WhoReport: Sendable {
    /// The bridge asked about; nil for all.
    public var bridge: String?
    public var taps: [TapDevice]
    public var holdersComplete: Bool
    /// uid to login name, for the uids in marks and tun owners; a uid not listed is shown as a number.
    public var userNames: [UInt32: String]

    public init(inventory: TapInventory, bridge: String?, userNames: [UInt32: String]) {
        self.bridge = bridge
        taps = bridge.map(inventory.ports) ?? inventory.taps
        holdersComplete = inventory.holdersComplete
        self.userNames = userNames
    }

    public var orphans: [TapDevice] { taps.filter(\.isOrphan) }

    /// Every login name by uid (the first entry wins, as for a lookup by uid); none when the
    /// files cannot be read, for names are only a help here.
    public static func userNames(accounts: AccountFileDatabase = UserIdentity.systemAccounts) -> [UInt32: String] {
        var names: [UInt32: String] = [:]
        for entry in (try? accounts.passwd()) ?? [] where names[entry.uid] == nil {
            names[entry.uid] = String(decoding: entry.name, as: UTF8.self)
        }
        return names
    }

    /// `uid 1000 (alice)`, or `uid 1000` when no account has it.
    func user(_ uid: UInt32) -> String { userNames[uid].map { "uid \(uid) (\($0))" } ?? "uid \(uid)" }
}
