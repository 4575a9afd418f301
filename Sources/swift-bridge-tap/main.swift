// swift-bridge-tap: a tap on a host bridge for an unprivileged user, from the broker, with as
// many queues as asked (IFF_MULTI_QUEUE), then a command (QEMU) run with the queues' fds
// inherited. QEMU refuses `queues=` with `helper=`; with `fds=` it takes what we pass:
//
//   swift-bridge-tap --queues=4 brnm0 -- qemu-system-x86_64 ... \
//       -netdev tap,id=n0,fds={fds},vhost=off -device virtio-net-pci,netdev=n0,mq=on,vectors=10
//
// {fds} becomes the fd numbers joined by `:`, {tap} the tap's name, {queues} the count.
import BridgePolicy
import BridgeSystem
@preconcurrency import Glibc

let usage = "usage: swift-bridge-tap [--queues=N] [--no-vnet-header] BRIDGE -- COMMAND [ARG...]"

struct UsageProblem: Error {
    var message: Message
    init(_ message: Message) { self.message = message }
}

struct Invocation {
    var request: OpenTapRequest
    var command: [String]
}

/// The invocation, or what is wrong with it.
func parse(_ arguments: [String]) -> Result<Invocation, UsageProblem> {
    var queues = 1
    var vnetHeader = true
    var bridge: String?
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        if argument == "--" { break }
        if argument == "--no-vnet-header" {
            vnetHeader = false
        } else if argument.hasPrefix("--queues=") {
            let text = Array(argument.utf8.dropFirst("--queues=".utf8.count))
            guard let count = DecimalNumber.parse(text, in: 1...BrokerInterface.maximumQueues) else {
                return .failure(
                    UsageProblem("--queues takes a number from 1 to \(BrokerInterface.maximumQueues), not `\(text)'"))
            }
            queues = count
        } else if argument.hasPrefix("-") || bridge != nil {
            return .failure(UsageProblem(Message(stringLiteral: usage)))
        } else {
            bridge = argument
        }
    }
    guard let bridge, !rest.isEmpty else { return .failure(UsageProblem(Message(stringLiteral: usage))) }
    guard rest.contains(where: { $0.contains("{fds}") || $0.contains("{fd}") }) else {
        return .failure(
            UsageProblem("no argument of the command names {fds} (or {fd}): it would not know which fds are the tap's"))
    }
    return .success(
        Invocation(
            request: OpenTapRequest(bridge: Array(bridge.utf8), vnetHeader: vnetHeader, queues: queues),
            command: Array(rest)))
}

func fail(_ lines: [Message]) -> Never {
    for line in lines { StandardStreams.printError(line) }
    exit(1)
}

func run() -> Never {
    let invocation: Invocation
    switch parse(Array(CommandLine.arguments.dropFirst())) {
    case .success(let parsed): invocation = parsed
    case .failure(let problem): fail(["swift-bridge-tap: \(problem.message)"])
    }
    let tap: [UInt8]
    let queues: [Descriptor]
    do { (tap, queues) = try BrokerClient.openTap(invocation.request) } catch { fail(error.lines) }
    var numbers: [String] = []
    for queue in queues {
        do { numbers.append(String(try queue.releaseForExec())) } catch {
            fail(["swift-bridge-tap: cannot pass the tap's fds on: \(error.message)"])
        }
    }
    let name = String(decoding: tap, as: UTF8.self)
    let command = invocation.command.map {
        $0.replacingOccurrences("{fds}", with: numbers.joined(separator: ":"))
            .replacingOccurrences("{fd}", with: numbers[0])
            .replacingOccurrences("{tap}", with: name)
            .replacingOccurrences("{queues}", with: String(queues.count))
    }
    var argv = command.map { strdup($0) } + [nil]
    execvp(command[0], &argv)
    fail(["swift-bridge-tap: cannot run \(command[0]): \(errorText(errno))"])
}

extension String {
    /// Without Foundation: every occurrence of `target` replaced.
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

run()
