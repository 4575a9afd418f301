// libFuzzer target: the argument parser, on an argv carved from the input at NUL bytes
// (argv strings cannot hold NUL, so every split is a possible real command line).
import BridgePolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    let arguments = input.isEmpty ? [] : input.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
    let result = parseArguments(arguments)
    invariant(parseArguments(arguments) == result, "parsing is deterministic")
    checkAgainstTheContract(arguments, result)
    // With no option repeated, order does not matter.
    let options = arguments.map { $0.prefix(5) }.filter { $0.elementsEqual(brPrefix) || $0.elementsEqual(fdPrefix) }
    if Set(options.map(Array.init)).count == options.count {
        invariant(parseArguments(arguments.reversed()) == result, "order does not matter without repeats")
    }
    return 0
}

private let brPrefix = Array("--br=".utf8)
private let fdPrefix = Array("--fd=".utf8)
private let useVnet = Array("--use-vnet".utf8)

/// The value of the last `--br=` or `--fd=` (the last one wins), or nil.
private func lastValue(_ prefix: [UInt8], in arguments: [[UInt8]]) -> [UInt8]? {
    arguments.last { $0.starts(with: prefix) }.map { Array($0.dropFirst(prefix.count)) }
}

/// What contract section 2 says the outcome must be, checked case by case.
private func checkAgainstTheContract(_ arguments: [[UInt8]], _ result: Result<HelperRequest, ArgumentProblem>) {
    let allKnown = arguments.allSatisfy { $0 == useVnet || $0.starts(with: brPrefix) || $0.starts(with: fdPrefix) }
    let bridge = lastValue(brPrefix, in: arguments)
    let fdText = lastValue(fdPrefix, in: arguments)
    let isUsage = !allKnown || bridge == nil || fdText == nil || fdText == Array("-1".utf8)
    switch result {
    case .success(let request):
        invariant(!isUsage, "only known, complete arguments succeed")
        invariant(request.bridge == bridge, "the bridge is the last --br= value, byte for byte")
        invariant((1...InterfaceName.maximumLength).contains(request.bridge.count), "the bridge has 1 to 15 bytes")
        invariant(InterfaceName.problem(with: request.bridge) == nil, "the bridge is a valid interface name")
        invariant(
            !request.bridge.contains { [0, 0x2F, 0x3A, 0x25, 0xA0, 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains($0) },
            "no byte the kernel refuses")
        invariant(request.socketFD >= 0, "the fd is not negative")
        let digits = fdText!.drop { $0 == UInt8(ascii: "0") }
        invariant(
            Array(String(request.socketFD).utf8) == (digits.isEmpty ? [UInt8(ascii: "0")] : Array(digits)),
            "the fd is the last --fd= value, read as a decimal")
        invariant(request.useVnet == arguments.contains(useVnet), "--use-vnet iff given")
    case .failure(.usage):
        invariant(isUsage, "usage only for an unknown argument, a missing option or --fd=-1")
    case .failure(.nameTooLong(let name)):
        invariant(
            !isUsage && name == bridge && name.count > InterfaceName.maximumLength, "too long means 16 bytes or more")
        invariant(
            ArgumentProblem.nameTooLong(name).message.bytes
                == Array("name `".utf8) + name + Array("' too long: \(name.count)".utf8), "the C helper's message")
    case .failure(.invalidBridgeName(let name, _)):
        invariant(!isUsage && name == bridge && name.count <= InterfaceName.maximumLength, "length is checked first")
        invariant(InterfaceName.problem(with: name) != nil, "an invalid name has a reason")
    case .failure(.invalidSocketFD(let text)):
        invariant(
            !isUsage && text == fdText && bridge.map { InterfaceName.problem(with: $0) == nil } == true,
            "the fd is checked after the name")
        let isSmallDecimal =
            !text.isEmpty && text.count <= 10 && text.allSatisfy { (0x30...0x39).contains($0) }
            && Int64(String(decoding: text, as: UTF8.self))! <= Int64(Int32.max)
        invariant(!isSmallDecimal, "only a non-decimal or too large fd is refused")
    }
}
