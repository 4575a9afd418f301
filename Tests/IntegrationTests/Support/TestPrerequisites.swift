import Foundation
import Testing

/// Where the tests find what they run, and whether they can run at all.
///
/// The helpers under test are the static release binaries (the ones that get installed),
/// not the debug build `swift test` makes: set `SBH_BIN_DIR`, or build them into
/// `<package root>/.build/release` first.
enum TestPrerequisites {
    static let skipReason: Comment = "needs root to create namespaces"
    static var isRoot: Bool { geteuid() == 0 }

    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // IntegrationTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let withWorld = packageRoot.appendingPathComponent("scripts/with-world")
    static let cHelper = URL(fileURLWithPath: "/usr/lib/qemu/qemu-bridge-helper")

    static var binaryDirectory: URL {
        guard let configured = ProcessInfo.processInfo.environment["SBH_BIN_DIR"], !configured.isEmpty else {
            return packageRoot.appendingPathComponent(".build/release")
        }
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return URL(fileURLWithPath: configured, relativeTo: base).standardizedFileURL
    }

    static var ourHelper: URL { binaryDirectory.appendingPathComponent("swift-bridge-helper") }
    static var probe: URL { binaryDirectory.appendingPathComponent("bridge-helper-probe") }

    /// Thrown (and so reported as a failure) when running as root without the binaries:
    /// as root nothing may be skipped.
    static func check() throws {
        let fileManager = FileManager.default
        for binary in [ourHelper, probe] where !fileManager.isExecutableFile(atPath: binary.path) {
            throw Missing(
                "\(binary.path) is missing: run the release build first "
                    + "(swift build -c release -Xswiftc -static-executable) or set SBH_BIN_DIR")
        }
        guard fileManager.isExecutableFile(atPath: cHelper.path) else {
            throw Missing("\(cHelper.path) is missing: install Debian's qemu-system-common")
        }
        guard fileManager.isExecutableFile(atPath: withWorld.path) else {
            throw Missing("\(withWorld.path) is missing")
        }
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
