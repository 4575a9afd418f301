/// The interface alias (IFLA_IFALIAS) the helper gives every tap it makes: whose tap it is.
///
/// The quota counts this mark, not the tun driver's owner: whoever holds a tap's fd may set
/// its owner (TUNSETOWNER) to any uid with no privilege at all, so an owner count could be
/// dodged, or charged to another user. Changing an alias needs CAP_NET_ADMIN over the
/// network namespace, which the caller does not have.
public enum TapMark {
    static let prefix = Array("swift-bridge-helper uid=".utf8)

    /// `swift-bridge-helper uid=1000`.
    public static func alias(for uid: UInt32) -> [UInt8] { prefix + Array(String(uid).utf8) }

    /// The uid in an alias this helper wrote; nil for any other alias (or none).
    public static func uid(inAlias alias: [UInt8]) -> UInt32? {
        guard alias.starts(with: prefix) else { return nil }
        return DecimalNumber.parse(alias.dropFirst(prefix.count), in: UInt32.min...UInt32.max)
    }
}
