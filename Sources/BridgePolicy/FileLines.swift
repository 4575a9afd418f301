/// The lines of file contents, split at `\n`; a final line without a newline still counts.
/// Each line is a slice of the contents, without its `\n`.
///
/// A sequence rather than an array: the helper reads every file line by line once, and the
/// first `[ArraySlice<UInt8>]` would make the runtime build that array type's metadata.
public struct FileLines: Sequence, IteratorProtocol {
    let contents: [UInt8]
    var start: Int

    public init(_ contents: [UInt8]) {
        self.contents = contents
        start = contents.startIndex
    }

    public mutating func next() -> ArraySlice<UInt8>? {
        guard start < contents.endIndex else { return nil }
        let end = contents[start...].firstIndex(of: UInt8(ascii: "\n")) ?? contents.endIndex
        defer { start = end == contents.endIndex ? end : end + 1 }
        return contents[start..<end]
    }
}
