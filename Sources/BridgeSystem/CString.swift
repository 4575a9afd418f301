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
