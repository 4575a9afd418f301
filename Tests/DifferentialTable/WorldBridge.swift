/// A bridge scripts/with-world creates in a test world (`--bridge NAME[:MTU]`).
struct WorldBridge: Sendable, Hashable {
    var name: String
    var mtu: Int?
    init(_ name: String, mtu: Int? = nil) {
        self.name = name
        self.mtu = mtu
    }
}
