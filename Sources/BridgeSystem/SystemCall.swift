import BridgePolicy
@preconcurrency import Glibc

/// A system call that failed: its name and the errno it left. Only the act that made the call
/// knows which line of the contract that is, so the act turns it into its HelperFailure.
public struct SystemError: Error, Equatable, Sendable {
    public var call: StaticString
    public var errno: Int32

    public init(call: StaticString, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// strerror's text, as the C helper's `%s` of errno prints it.
    public var text: Message { errorText(errno) }

    /// `call: text`, for where the call's name is the useful part (the privilege drop).
    public var message: Message { "\(call.description): \(text)" }

    public static func == (left: SystemError, right: SystemError) -> Bool {
        left.errno == right.errno && left.call.description == right.call.description
    }
}

/// Makes one system call: again while a signal interrupts it (EINTR), and a -1 is thrown as
/// the call's SystemError, so that call sites read like the C helper's list of calls.
@discardableResult
func syscall<Result: SignedInteger & FixedWidthInteger>(
    _ name: StaticString, _ body: () -> Result
) throws(SystemError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code != EINTR { throw SystemError(call: name, errno: code) }
    }
}

/// The same for a call that returns NULL on failure (libcap's cap_init, cap_get_proc).
func syscall<Value>(_ name: StaticString, _ body: () -> Value?) throws(SystemError) -> Value {
    guard let value = body() else { throw SystemError(call: name, errno: errno) }
    return value
}

/// The text of an errno value, as the C helper's `strerror(errno)` prints it. The helper
/// never calls setlocale, so this is always the C locale's English text.
public func errorText(_ code: Int32) -> Message {
    guard let text = strerror(code) else { return "error \(code)" }
    return Message(
        bytes: Array(
            UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text)))
    )
}
