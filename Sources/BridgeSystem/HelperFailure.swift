import BridgePolicy
@preconcurrency import Glibc

/// Why the helper stops: the exact line of the contract first, then optional hints that
/// tell a person what to do about it.
public struct HelperFailure: Error, Sendable {
    public var message: Message
    public var hints: [Message]

    public init(_ message: Message, hints: [Message] = []) {
        self.message = message
        self.hints = hints
    }
}

/// The text of an errno value, as the C helper's `strerror(errno)` prints it. The helper
/// never calls setlocale, so this is always the C locale's English text.
public func errorText(_ code: Int32) -> Message {
    guard let text = strerror(code) else { return "error \(code)" }
    return Message(bytes: Array(UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text))))
}

/// Runs a system call until it is not interrupted by a signal; returns its result, with
/// errno left as the call set it.
@discardableResult
func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result != -1 || errno != EINTR { return result }
    }
}

/// A NUL-terminated copy of raw bytes for a C call, on the stack (paths and log lines are
/// short). Callers never pass bytes that contain NUL (names and paths are validated first),
/// so nothing is cut.
public func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    precondition(!bytes.contains(0), "a C string with a NUL inside")
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
        UnsafeMutableRawBufferPointer(buffer).copyBytes(from: bytes)
        buffer[bytes.count] = 0
        return body(buffer.baseAddress!)
    }
}
