@preconcurrency import Glibc

/// argv as raw bytes, without Swift's UTF-8 repair (a name is compared byte for byte).
public func rawArguments() -> [[UInt8]] {
    (1..<Int(CommandLine.argc)).compactMap { index in
        CommandLine.unsafeArgv[index].map { pointer in
            Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
        }
    }
}
