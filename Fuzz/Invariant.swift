/// A broken invariant stops the fuzzer on the input that broke it: `fatalError` traps
/// (also under -O), libFuzzer saves the input as `crash-*`, and the message says which
/// invariant it was.
func invariant(
    _ holds: @autoclosure () -> Bool, _ what: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !holds() { fatalError("invariant broken: \(what())", file: file, line: line) }
}

/// The fuzz input as bytes (libFuzzer may pass a null pointer with a zero count).
func fuzzInput(_ start: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: start, count: count))
}
