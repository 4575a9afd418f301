import BridgePolicy
import BridgeSystem
import CBridgeShim
@preconcurrency import Glibc

/// Is the helper installed, trusted, and able to get CAP_NET_ADMIN when a user runs it?
struct HelperBinaryChecks {
    let path: String

    func findings() -> [DoctorFinding] {
        guard let status = FileFacts.status(path) else {
            return [
                DoctorFinding(
                    "helper.installed", .fail, "\(path) does not exist",
                    fix:
                        "install -o root -g root -m 0755 .build/release/swift-bridge-helper \(path) && setcap cap_net_admin+ep \(path)"
                )
            ]
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return [DoctorFinding("helper.installed", .fail, "\(path) is not a regular file")]
        }
        var findings: [DoctorFinding] = []
        if status.st_uid != 0 || status.st_mode & 0o022 != 0 {
            findings.append(
                DoctorFinding(
                    "helper.installed", .fail,
                    "\(path) is owned by uid \(status.st_uid) with mode \(FilePermissions.octal(status.st_mode)): someone other than root could replace a privileged program",
                    fix: "chown root:root \(path) && chmod go-w \(path)"))
        } else {
            findings.append(DoctorFinding("helper.installed", .ok, "\(path) is installed, owned by root"))
        }
        findings.append(privilege(status))
        findings += mountAndCaller()
        return findings
    }

    func privilege(_ status: stat) -> DoctorFinding {
        let capability = FileCapability.read(path)
        let setuidRoot = status.st_uid == 0 && status.st_mode & S_ISUID != 0
        if capability?.hasNetAdmin == true {
            return DoctorFinding(
                "helper.privilege", .ok,
                "\(path) has the cap_net_admin file capability\(setuidRoot ? " (and is setuid root too)" : "")")
        }
        if setuidRoot {
            return DoctorFinding("helper.privilege", .ok, "\(path) is setuid root (it keeps only CAP_NET_ADMIN)")
        }
        return DoctorFinding(
            "helper.privilege", .fail,
            "\(path) has neither the cap_net_admin capability nor setuid root: users get `failed to create tun device: Operation not permitted'",
            fix: "setcap cap_net_admin+ep \(path)   # or, without xattrs: chmod u+s \(path)")
    }

    func mountAndCaller() -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        var volume = statvfs()
        if statvfs(path, &volume) == 0, volume.f_flag & UInt(ST_NOSUID) != 0 {
            let mountPoint =
                MountTable.mountPoint(of: FileFacts.realPath(path) ?? path) ?? "the file system holding \(path)"
            findings.append(
                DoctorFinding(
                    "helper.mount", .fail,
                    "\(path) is on a nosuid mount (\(mountPoint)): the kernel ignores its capability and setuid bit",
                    fix: "mount -o remount,suid \(mountPoint)   # or install the helper on another file system"))
        } else {
            findings.append(DoctorFinding("helper.mount", .ok, "\(path) is not on a nosuid mount"))
        }
        if sbh_prctl(sbh_PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 {
            findings.append(
                DoctorFinding(
                    "caller.no_new_privs", .fail,
                    "this process runs with no_new_privs (a sandbox, a container, or systemd's NoNewPrivileges=yes): the kernel ignores file capabilities and setuid for everything it starts, so QEMU started from here cannot use the helper",
                    fix: "start QEMU outside that sandbox, or set NoNewPrivileges=no in its systemd unit"))
        } else {
            findings.append(
                DoctorFinding(
                    "caller.no_new_privs", .ok,
                    "this process may gain privileges through the helper (no_new_privs is not set)"))
        }
        return findings
    }
}

/// Which mount a path lives on, from /proc/self/mountinfo (field 5 is the mount point).
enum MountTable {
    static func mountPoint(of path: String) -> String? {
        guard let table = FileFacts.text("/proc/self/mountinfo") else { return nil }
        let points = table.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields.count > 4 ? String(fields[4]) : nil
        }
        return points.filter { path == $0 || path.hasPrefix($0 == "/" ? "/" : $0 + "/") }.max { $0.count < $1.count }
    }
}
