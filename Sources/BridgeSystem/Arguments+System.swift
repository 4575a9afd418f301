@preconcurrency import Glibc

/// The arguments after argv[0] as raw bytes, without Swift's UTF-8 repair (a name is
/// compared byte for byte). The helper passes the argc/argv its start-up code recorded.
public func rawArguments(count: Int32, values: UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> [[UInt8]] {
    guard let values, count > 1 else { return [] }
    return (1..<Int(count)).compactMap { index in
        values[index].map { pointer in
            Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
        }
    }
}
