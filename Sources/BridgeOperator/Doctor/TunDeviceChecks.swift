import BridgePolicy
@preconcurrency import Glibc

/// /dev/net/tun: present, the real device (char 10:200), open to every user, module loaded.
struct TunDeviceChecks {
    let path: String

    func findings() -> [DoctorFinding] {
        [device(), module()]
    }

    func device() -> DoctorFinding {
        let create = "mkdir -p \(dirname(path)) && mknod -m 0666 \(path) c 10 200"
        guard let status = FileFacts.status(path) else {
            return DoctorFinding(
                "tun.device", .fail, "\(path) does not exist", fix: "modprobe tun   # udev creates it; or: \(create)")
        }
        guard FileFacts.isTunDevice(status) else {
            return DoctorFinding(
                "tun.device", .fail, "\(path) is not the tun character device 10:200", fix: "rm \(path) && \(create)")
        }
        guard status.st_mode & 0o666 == 0o666 else {
            return DoctorFinding(
                "tun.device", .fail,
                "\(path) has mode \(FilePermissions.octal(status.st_mode)): users other than its owner cannot open it, so the helper fails with `failed to open /dev/net/tun: Permission denied'",
                fix: "chmod 0666 \(path)   # and make it last: a udev rule KERNEL==\"tun\", MODE=\"0666\"")
        }
        return DoctorFinding(
            "tun.device", .ok, "\(path) is the tun device, mode \(FilePermissions.octal(status.st_mode))")
    }

    /// /proc/misc lists registered misc devices (`200 tun` once the module is in).
    func module() -> DoctorFinding {
        let misc = FileFacts.text("/proc/misc") ?? ""
        let registered = misc.split(separator: "\n").contains { $0.split(separator: " ").last == "tun" }
        if registered || FileFacts.status("/sys/module/tun") != nil {
            return DoctorFinding("tun.module", .ok, "the tun driver is loaded")
        }
        return DoctorFinding(
            "tun.module", .warn, "the tun driver is not loaded (opening \(path) may load it on demand)",
            fix: "modprobe tun")
    }

    func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
