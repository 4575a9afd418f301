/// What QEMU and libvirt ask for: `--use-vnet --fd=N --br=BRIDGE`, in any order.
public struct HelperRequest: Equatable, Sendable {
    public var useVnet: Bool
    public var bridge: [UInt8]
    public var socketFD: Int32

    public init(useVnet: Bool, bridge: [UInt8], socketFD: Int32) {
        self.useVnet = useVnet
        self.bridge = bridge
        self.socketFD = socketFD
    }
}

public enum ArgumentProblem: Error, Equatable, Sendable {
    /// Unknown argument, or `--br=`/`--fd=` missing: print the usage line.
    case usage
    /// The C helper's check, kept byte for byte: ``name `NAME' too long: LEN``.
    case nameTooLong([UInt8])
    /// A name the kernel would refuse (the C helper passes these on; we stop here).
    case invalidBridgeName([UInt8], Message)
    /// `--fd=` that is not a plain decimal number (the C helper's atoi reads `5junk` as 5).
    case invalidSocketFD([UInt8])

    public var message: Message {
        switch self {
        case .usage:
            return "Usage: swift-bridge-helper [--use-vnet] --br=bridge --fd=unixfd"
        case .nameTooLong(let name):
            return "name `\(name)' too long: \(name.count)"
        case .invalidBridgeName(let name, let why):
            return "invalid bridge name `\(name)': \(why)"
        case .invalidSocketFD(let value):
            return "invalid --fd value `\(value)': expected the decimal number of an open socket"
        }
    }
}

/// Parses the arguments after argv[0], with the C helper's precedence of errors:
/// unknown argument, then missing option, then name length; then our stricter checks.
public func parseArguments(_ arguments: [[UInt8]]) -> Result<HelperRequest, ArgumentProblem> {
    let brPrefix = [UInt8](ascii: "--br=")
    let fdPrefix = [UInt8](ascii: "--fd=")
    var useVnet = false
    var bridge: [UInt8]?
    var fdText: [UInt8]?
    for argument in arguments {
        if argument == [UInt8](ascii: "--use-vnet") {
            useVnet = true
        } else if argument.starts(with: brPrefix) {
            bridge = Array(argument.dropFirst(brPrefix.count))
        } else if argument.starts(with: fdPrefix) {
            fdText = Array(argument.dropFirst(fdPrefix.count))
        } else {
            return .failure(.usage)
        }
    }
    // `--fd=-1` is the C helper's "no fd given" sentinel, so it means usage there too.
    guard let bridge, let fdText, fdText != [UInt8](ascii: "-1") else { return .failure(.usage) }
    if let problem = bridgeNameProblem(bridge) { return .failure(problem) }
    guard let fd = DecimalNumber.parse(fdText, in: 0...Int32.max) else { return .failure(.invalidSocketFD(fdText)) }
    return .success(HelperRequest(useVnet: useVnet, bridge: bridge, socketFD: fd))
}

/// What is wrong with a requested bridge name, if anything: the C helper's length check, then
/// ours. The helper checks `--br=` with it, the broker an OpenTap call's `bridge`.
public func bridgeNameProblem(_ bridge: [UInt8]) -> ArgumentProblem? {
    guard bridge.count <= InterfaceName.maximumLength else { return .nameTooLong(bridge) }
    if let why = InterfaceName.problem(with: bridge) { return .invalidBridgeName(bridge, why) }
    return nil
}
