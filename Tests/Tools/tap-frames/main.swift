// tap-frames: which ports of a bridge reach which, seen in Ethernet frames.
//
//   tap-frames BRIDGE HELPER-COMMAND...
//
// Gets one tap per HELPER-COMMAND the way QEMU gets one from a helper string with spaces:
// `/bin/sh -c "HELPER-COMMAND --fd=N --br=BRIDGE"` over a socketpair (no --use-vnet, so the
// taps carry plain frames). The command picks the caller, e.g. `setpriv --reuid=1001 ...
// /usr/libexec/swift-bridge-helper`, and so the rule that applies. Holding every tap, it then
// writes one broadcast frame into each and reads what every other tap receives, printing
//   port=I tap=NAME                 for every port, then
//   from=I to=J seen=0|1            for every ordered pair of ports
// A broadcast reaches every port of its VLAN that isolation allows, so this is the bridge's
// forwarding as a guest would meet it. Exit 0 when every port was made, 2 otherwise.
import CBridgeShim
@preconcurrency import Glibc
import SocketMessage

func die(_ text: String) -> Never {
    fputs("tap-frames: \(text)\n", stderr)
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3 else { die("usage: tap-frames BRIDGE HELPER-COMMAND HELPER-COMMAND...") }
let bridge = arguments[0]
let commands = Array(arguments.dropFirst())

struct NoTap: Error { let reason: String }

/// The tap one helper command sends back, or why there is none.
func requestTap(_ command: String) -> Result<Int32, NoTap> {
    var pair: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
        return .failure(NoTap(reason: "socketpair: \(errno)"))
    }
    _ = fcntl(pair[0], F_SETFD, FD_CLOEXEC)
    defer { close(pair[0]) }
    let words = ["/bin/sh", "-c", "\(command) --fd=\(pair[1]) --br=\(bridge)"]
    var argv = words.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
    close(pair[1])
    guard spawned == 0 else { return .failure(NoTap(reason: "cannot run /bin/sh: \(spawned)")) }
    var descriptors: [Int32] = []
    while true {
        let (count, message) = SocketMessage.receive(from: pair[0], capacity: 16, maxDescriptors: 4)
        if count < 0 && errno == EINTR { continue }
        descriptors += message.descriptors
        if count <= 0 { break }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    guard status == 0, descriptors.count == 1 else {
        return .failure(NoTap(reason: "\(command): wait status \(status), \(descriptors.count) fds"))
    }
    return .success(descriptors[0])
}

func tapName(_ tap: Int32) -> String {
    var ifr = ifreq()
    guard sbh_ioctl(tap, sbh_TUNGETIFF, &ifr) == 0 else { return "?" }
    return withUnsafeBytes(of: ifr.ifr_ifrn.ifrn_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}

// Ethernet: broadcast destination, a locally administered source naming the port, and the
// IEEE "local experimental" EtherType, so that nothing else on the bridge looks like ours.
let etherType: [UInt8] = [0x88, 0xb5]
func frame(from port: Int) -> [UInt8] {
    let header = [UInt8](repeating: 0xff, count: 6) + [0x02, 0x53, 0x42, 0x48, 0x00, UInt8(port)] + etherType
    return header + Array("tap-frames from port \(port)".utf8) + [UInt8](repeating: 0, count: 32)
}
func sender(of received: ArraySlice<UInt8>) -> Int? {
    guard received.count >= 14, Array(received[received.startIndex + 12..<received.startIndex + 14]) == etherType,
        Array(received[received.startIndex + 6..<received.startIndex + 10]) == [0x02, 0x53, 0x42, 0x48]
    else { return nil }
    return Int(received[received.startIndex + 11])
}

var taps: [Int32] = []
for (port, command) in commands.enumerated() {
    switch requestTap(command) {
    case .success(let tap):
        taps.append(tap)
        _ = fcntl(tap, F_SETFL, fcntl(tap, F_GETFL) | O_NONBLOCK)
        print("port=\(port) tap=\(tapName(tap))")
    case .failure(let problem):
        die("port \(port): \(problem.reason)")
    }
}

// Each port sends one frame; then every tap is read for a second.
for (port, tap) in taps.enumerated() {
    let bytes = frame(from: port)
    guard write(tap, bytes, bytes.count) == bytes.count else { die("write to port \(port): \(errno)") }
}
var seen = Set<[Int]>()
var deadline = timespec()
clock_gettime(CLOCK_MONOTONIC, &deadline)
let end = deadline.tv_sec * 1000 + deadline.tv_nsec / 1_000_000 + 1000
var buffer = [UInt8](repeating: 0, count: 2048)
while true {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let left = end - (now.tv_sec * 1000 + now.tv_nsec / 1_000_000)
    if left <= 0 { break }
    var entries = taps.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    guard poll(&entries, nfds_t(entries.count), Int32(left)) > 0 else { continue }
    for (port, entry) in entries.enumerated() where entry.revents & Int16(POLLIN) != 0 {
        while case let count = read(entry.fd, &buffer, buffer.count), count > 0 {
            if let from = sender(of: buffer[..<count]) { seen.insert([from, port]) }
        }
    }
}
for from in taps.indices {
    for to in taps.indices where to != from {
        print("from=\(from) to=\(to) seen=\(seen.contains([from, to]) ? 1 : 0)")
    }
}
exit(0)
