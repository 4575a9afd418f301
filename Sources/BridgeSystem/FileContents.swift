@preconcurrency import Glibc

/// Reading a whole file from an open descriptor: the one read loop of the helper and the
/// operator tool.
public enum FileContents {
    public enum Failure: Error, Equatable {
        /// More than the limit: the file may have grown after fstat.
        case tooLarge
        case readError(Int32)
    }

    /// Everything up to end of file; at most `limit` bytes.
    public static func read(_ fd: Int32, limit: Int = Int.max) -> Result<[UInt8], Failure> {
        var contents: [UInt8] = []
        // Not zero-filled: only what read() wrote is kept, and 16 KiB of fresh zeros would
        // cost a memset and four new heap pages per file.
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count: Int
            do { count = try syscall("read") { Glibc.read(fd, chunk.baseAddress, chunk.count) } } catch {
                return .failure(.readError(error.errno))
            }
            if count == 0 { return .success(contents) }
            contents += UnsafeRawBufferPointer(rebasing: chunk[..<count])
            if contents.count > limit { return .failure(.tooLarge) }
        }
    }
}
