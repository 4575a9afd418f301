import CBridgeShim
@preconcurrency import Glibc
import SocketMessage

/// Everything the caller saw of one helper run.
struct Observation {
    var data: [UInt8] = []
    var descriptors: [Int32] = []
    var stderr: [UInt8] = []

    /// Reads the socket (data and SCM_RIGHTS fds) and the stderr pipe until both are at
    /// end of file, or until the deadline (then returns false).
    mutating func collect(socket: Int32?, stderrPipe: Int32?, deadline: Double) -> Bool {
        var open = [socket, stderrPipe].compactMap { $0 }
        while !open.isEmpty {
            var entries = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let remaining = Int32(max(0, (deadline - now()) * 1000))
            let ready = poll(&entries, nfds_t(entries.count), remaining)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return false }
            for entry in entries where entry.revents != 0 {
                let finished = entry.fd == socket ? receiveMessage(entry.fd) : readAppending(entry.fd, to: &stderr)
                if finished { open.removeAll { $0 == entry.fd } }
            }
        }
        return true
    }

    /// One recvmsg; true at end of file (or error).
    mutating func receiveMessage(_ fd: Int32) -> Bool {
        let (count, message) = SocketMessage.receive(from: fd, capacity: 65536, maxDescriptors: 8)
        descriptors += message.descriptors
        data += message.data
        return count <= 0 && !(count < 0 && errno == EINTR)
    }

    /// The name of the tap behind the first fd received (TUNGETIFF), if it is one.
    var tapName: String? {
        guard let tap = descriptors.first else { return nil }
        var ifr = ifreq()
        guard sbh_ioctl(tap, sbh_TUNGETIFF, &ifr) == 0 else { return "" }
        return withUnsafeBytes(of: ifr.ifr_ifrn.ifrn_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// Reads what is there; true at end of file (or error).
func readAppending(_ fd: Int32, to bytes: inout [UInt8]) -> Bool {
    var buffer = [UInt8](repeating: 0, count: 65536)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if count > 0 { bytes += buffer[..<count] }
    return count == 0 || (count < 0 && errno != EINTR)
}

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A value on one `key=value` line: printable ASCII as is, anything else (and `\`) as \xHH.
func escaped(_ bytes: some Sequence<UInt8>) -> String {
    var text = ""
    for byte in bytes {
        if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\\") {
            text.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }
    }
    return text
}
