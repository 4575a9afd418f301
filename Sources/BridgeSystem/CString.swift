/// A NUL-terminated copy of raw bytes for a C call, on the stack (paths and log lines are
/// short). Callers never pass bytes that contain NUL (names and paths are validated first),
/// so nothing is cut.
public func withCString<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
    precondition(!bytes.contains(0), "a C string with a NUL inside")
    return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer throws(E) in
        UnsafeMutableRawBufferPointer(buffer).copyBytes(from: bytes)
        buffer[bytes.count] = 0
        return try body(buffer.baseAddress!)
    }
}
