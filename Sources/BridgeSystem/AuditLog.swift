import BridgePolicy
import CBridgeShim
@preconcurrency import Glibc

/// One syslog line (LOG_AUTHPRIV) per decision: who asked for which bridge, what was
/// decided and by which rule, and the tap on success.
public struct AuditLog {
    let prefix: Message

    public init(uid: uid_t, bridge: [UInt8]) {
        sbh_openlog("swift-bridge-helper", LOG_PID, sbh_LOG_AUTHPRIV)
        prefix = "uid=\(UInt32(uid)) bridge=\(bridge)"
    }

    public func record(_ outcome: Message, failed: Bool) {
        var line: Message = "\(prefix) \(outcome)"
        // Names and paths never hold NUL (they are validated), but syslog must not be cut.
        line.bytes.removeAll { $0 == 0 }
        withCString(line.bytes) { sbh_syslog((failed ? LOG_WARNING : LOG_NOTICE), $0) }
    }
}
