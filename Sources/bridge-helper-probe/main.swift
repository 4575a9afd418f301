// bridge-helper-probe: plays QEMU's side of the bridge helper protocol and reports what came
// back, one `key=value` per line, for tests, the demo and the benchmark.
//
//   bridge-helper-probe HELPER [HELPER-ARGUMENT ...]
//
// Without arguments after HELPER it runs `HELPER --use-vnet --fd=N --br=br0` as QEMU does.
// In the arguments, `@FD` stands for the number of the socket end the helper gets.
// The probe makes an AF_UNIX stream socketpair, spawns the helper with one end, reads
// every message until the helper closes its end, reaps it, and then inspects the tap it
// received while holding its fd: name and flags (TUNGETIFF), MTU, MAC, up, master bridge,
// the owner and group the kernel records, and the alias (the helper's TapMark).
//
// For tests that need taps held (quotas, `who`), set in the environment:
//   PROBE_SET_OWNER=UID    TUNSETOWNER on the received fd first, as any holder may
//   PROBE_PERSIST=1        TUNSETPERSIST: the tap outlives the probe
//   PROBE_HOLD_WHILE=PATH  after the report, keep the fd open while PATH exists
import CBridgeShim
@preconcurrency import Glibc
import SocketMessage

func die(_ text: String) -> Never {
    fputs("bridge-helper-probe: \(text)\n", stderr)
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let helper = arguments.first else { die("usage: bridge-helper-probe HELPER [ARGUMENT ...] (@FD = socket fd)") }
let helperArguments = arguments.count > 1 ? Array(arguments.dropFirst()) : ["--use-vnet", "--fd=@FD", "--br=br0"]

var pair: [Int32] = [0, 0]
guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { die("socketpair: \(errno)") }
let (ours, theirs) = (pair[0], pair[1])
_ = fcntl(ours, F_SETFD, FD_CLOEXEC)

let argv =
    [helper]
    + helperArguments.map {
        $0 == "--fd=@FD"
            ? "--fd=\(theirs)"
            : $0.split(separator: "@FD", omittingEmptySubsequences: false).joined(separator: String(theirs))
    }
var pid: pid_t = 0
let spawned: Int32 = withCStrings(argv) { cArgv in posix_spawn(&pid, helper, nil, nil, cArgv, environ) }
guard spawned == 0 else { die("cannot run \(helper): \(String(cString: strerror(spawned)))") }
close(theirs)

// Everything the helper sends, until it closes its end.
var data: [UInt8] = []
var descriptors: [Int32] = []
var truncated = false
receiving: while true {
    var pollEntry = pollfd(fd: ours, events: Int16(POLLIN), revents: 0)
    guard poll(&pollEntry, 1, 60_000) > 0 else { die("the helper sent nothing and did not exit within 60 s") }
    let (count, message) = SocketMessage.receive(from: ours, capacity: 64, maxDescriptors: 8)
    if count < 0 { if errno == EINTR { continue } else { die("recvmsg: \(errno)") } }
    if count == 0 { break receiving }
    data += message.data
    descriptors += message.descriptors
    truncated = truncated || message.controlTruncated
}

var status: Int32 = 0
while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
let exited = status & 0x7f == 0
print(exited ? "exit=\((status >> 8) & 0xff)" : "signal=\(status & 0x7f)")
print("fds=\(descriptors.count)")
print("data=\(data.map { String($0, radix: 16) }.joined(separator: ","))")
if truncated { print("truncated=1") }

let environment = { (name: String) in getenv(name).map { String(cString: $0) } }
if let tap = descriptors.first {
    if let owner = environment("PROBE_SET_OWNER").flatMap(UInt.init) {
        print("set_owner_result=\(sbh_ioctl_value(tap, sbh_TUNSETOWNER, owner) == 0 ? 0 : errno)")
    }
    if environment("PROBE_PERSIST") == "1" {
        print("persist_result=\(sbh_ioctl_value(tap, sbh_TUNSETPERSIST, 1) == 0 ? 0 : errno)")
    }
    var ifr = ifreq()
    if sbh_ioctl(tap, sbh_TUNGETIFF, &ifr) == 0 {
        let name = withUnsafeBytes(of: ifr.ifr_ifrn.ifrn_name) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        let flags = UInt16(bitPattern: ifr.ifr_ifru.ifru_flags)
        print("tap=\(name)")
        print("tap_flags=0x\(String(flags, radix: 16))")
        print("vnet_hdr=\(flags & UInt16(bitPattern: sbh_IFF_VNET_HDR) != 0 ? 1 : 0)")
        let control = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var query = ifr
        if sbh_ioctl(control, sbh_SIOCGIFMTU, &query) == 0 { print("mtu=\(query.ifr_ifru.ifru_mtu)") }
        query = ifr
        if sbh_ioctl(control, sbh_SIOCGIFHWADDR, &query) == 0 {
            let mac = withUnsafeBytes(of: query.ifr_ifru.ifru_hwaddr.sa_data) {
                $0.prefix(6).map { byte in
                    (byte < 16 ? "0" : "") + String(byte, radix: 16)
                }.joined(separator: ":")
            }
            print("mac=\(mac)")
        }
        query = ifr
        if sbh_ioctl(control, sbh_SIOCGIFFLAGS, &query) == 0 {
            print("up=\(query.ifr_ifru.ifru_flags & sbh_IFF_UP != 0 ? 1 : 0)")
        }
        var link = [CChar](repeating: 0, count: 256)
        let length = readlink("/sys/class/net/\(name)/master", &link, link.count - 1)
        let target = length > 0 ? String(decoding: link[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let master = target.split(separator: "/").last.map(String.init) ?? ""
        print("master=\(master)")
        for (key, file) in [("owner", "owner"), ("group", "group"), ("alias", "ifalias")] {
            print("\(key)=\(firstLine("/sys/class/net/\(name)/\(file)"))")
        }
    } else {
        print("tap=")
        print("tungetiff_errno=\(errno)")
    }
}
fflush(stdout)
if let path = environment("PROBE_HOLD_WHILE") {
    while access(path, F_OK) == 0 { usleep(20_000) }
}
exit(0)

func firstLine(_ path: String) -> String {
    guard let file = fopen(path, "r") else { return "" }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    guard fgets(&line, Int32(line.count), file) != nil else { return "" }
    return String(decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(&pointers)
}
