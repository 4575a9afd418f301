import BridgePolicy
@preconcurrency import Glibc

/// One syslog line (LOG_AUTHPRIV) per decision: who asked for which bridge, what was
/// decided and by which rule, and the tap on success.
///
/// The socket is connected before the ACL is read and the line is written before the fd is
/// sent, so that no caller gets a tap without its line: not by lowering RLIMIT_NOFILE (the
/// connect fails and we refuse), not by killing us as the fd arrives (the line is already
/// out). glibc's syslog() cannot promise either: it connects lazily and drops lines silently.
public struct AuditLog {
    static let socketPath = "/dev/log"
    /// nil when the host has no system log at all; the helper then says so and goes on.
    let socket: Descriptor?
    /// A stream socket (syslog-ng's unix-stream) needs each message NUL-terminated.
    let isStream: Bool
    let uid: uid_t
    /// As requested, and the interface's own name once known (BridgeNames.logged).
    public var bridge: [UInt8]

    /// Connects to /dev/log. A host without a system log (nothing there, nobody listening)
    /// is not the caller's doing: that is a note on stderr. Any other failure (EMFILE,
    /// ENFILE, ENOMEM, ...) may be, and is refused.
    public static func connect(uid: uid_t, bridge: [UInt8]) throws(HelperFailure) -> AuditLog {
        var lastError: Int32 = 0
        for type in [SOCK_DGRAM, SOCK_STREAM] {
            let socket: Descriptor
            do {
                socket = try .opening("socket") {
                    Glibc.socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                }
            } catch { throw unavailable(error.errno) }
            do {
                try connectToLog(socket)
                return AuditLog(socket: socket, isStream: type == SOCK_STREAM, uid: uid, bridge: bridge)
            } catch {
                lastError = error.errno  // and this socket closes
            }
            if lastError != EPROTOTYPE { break }  // EPROTOTYPE: the other socket type may fit
        }
        guard lastError == ENOENT || lastError == ECONNREFUSED else { throw unavailable(lastError) }
        StandardStreams.printError(
            "swift-bridge-helper: note: no system log at \(socketPath) (\(errorText(lastError))): this request is not audited"
        )
        return AuditLog(socket: nil, isStream: false, uid: uid, bridge: bridge)
    }

    static func unavailable(_ code: Int32) -> HelperFailure {
        HelperFailure(
            "failed to connect to the system log \(socketPath): \(errorText(code))",
            hints: ["every request is audited before it is granted; nothing was created"])
    }

    static func connectToLog(_ socket: Descriptor) throws(SystemError) {
        try socket.connectUnix(to: Array(socketPath.utf8))
    }

    /// Writes `<PRI>Mon dd hh:mm:ss swift-bridge-helper[PID]: uid=... bridge=... OUTCOME`, as
    /// syslog(3) would, with every byte escaped that is not printable ASCII. Throws when
    /// the line could not be written: the caller must then not get its tap.
    public func record(_ outcome: Message, failed: Bool) throws(HelperFailure) {
        do { try write(outcome, failed: failed) } catch { throw Self.writeFailure(error) }
    }

    static func writeFailure(_ error: SystemError) -> HelperFailure {
        HelperFailure(
            "failed to write the audit line to \(socketPath): \(error.text)",
            hints: ["every request is audited before it is granted"])
    }

    /// The line, sent whole (a short send is EMSGSIZE), or nothing when there is no log.
    func write(_ outcome: Message, failed: Bool) throws(SystemError) {
        guard let socket else { return }
        let priority = (failed ? LOG_WARNING : LOG_NOTICE) | LOG_AUTHPRIV
        var line: Message = "<\(priority)>\(Self.timestamp()) swift-bridge-helper[\(getpid())]: "
        let entry: Message = "uid=\(UInt32(uid)) bridge=\(bridge) \(outcome)"
        line.bytes += auditEscaped(entry.bytes)
        if isStream { line.bytes.append(0) }
        let sent = try socket.syscall("send") { fd in
            line.bytes.withUnsafeBytes { buffer in send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
        }
        guard sent == line.bytes.count else { throw SystemError(call: "send", errno: EMSGSIZE) }
    }

    /// `Mon dd hh:mm:ss` in local time, syslog(3)'s format.
    static func timestamp() -> Message {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%b %e %H:%M:%S", &parts)
        return Message(bytes: buffer[..<count].map { UInt8(bitPattern: $0) })
    }
}
