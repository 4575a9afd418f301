import CBridgeShim
@preconcurrency import Glibc

/// Whether an fd is a tun/tap device the kernel will name for us (TUNGETIFF), named tap*.
func isTap(_ fd: Int32) -> Bool {
    var request = ifreq()
    guard sbh_ioctl(fd, sbh_TUNGETIFF, &request) == 0 else { return false }
    return withUnsafeBytes(of: request.ifr_ifrn.ifrn_name) { Array($0.prefix(3)) } == Array("tap".utf8)
}

/// Interfaces named tap* in this network namespace: after every fd is closed there must be none.
func tapInterfaceCount() -> Int {
    guard let list = if_nameindex() else { return -1 }
    defer { if_freenameindex(list) }
    var count = 0
    var entry = list
    while entry.pointee.if_index != 0 {
        if strncmp(entry.pointee.if_name, "tap", 3) == 0 { count += 1 }
        entry += 1
    }
    return count
}
