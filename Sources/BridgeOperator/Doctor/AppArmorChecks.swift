@preconcurrency import Glibc

/// AppArmor: libvirt confines bridge helpers with a child profile named after the C
/// helper's path; ours needs its own profile, or none.
/// The list of loaded profiles is readable by root only; whether AppArmor is enabled at
/// all is world-readable (/sys/module/apparmor/parameters/enabled says `Y`), so an
/// ordinary user learns that much and is told the rest needs root.
struct AppArmorChecks {
    let profilesPath: String
    let enabledPath: String
    var isRoot = geteuid() == 0

    func findings() -> [DoctorFinding] {
        findings(profiles: FileFacts.text(profilesPath), enabled: FileFacts.firstLine(enabledPath))
    }

    /// `profiles`: the profiles file's text, nil when unreadable; `enabled`: the module
    /// parameter's first line, nil when AppArmor is not built in or not loaded.
    func findings(profiles: String?, enabled: String?) -> [DoctorFinding] {
        guard let profiles else {
            guard enabled == "Y" else {
                return [
                    DoctorFinding(
                        "apparmor", .info,
                        "AppArmor is not active here (no \(profilesPath); \(enabledPath) does not say Y)")
                ]
            }
            let why =
                isRoot
                ? "\(profilesPath) cannot be read" : "unknown without root (\(profilesPath) is readable by root only)"
            return [
                DoctorFinding(
                    "apparmor", .info,
                    "AppArmor is enabled; whether a swift-bridge-helper profile is loaded and enforced: \(why)",
                    fix: "sudo aa-status | grep bridge-helper   # or run doctor as root")
            ]
        }
        // Lines look like `/usr/libexec/swift-bridge-helper (enforce)`.
        let lines = profiles.split(separator: "\n").map(String.init)
        let ours = lines.filter { $0.contains("swift-bridge-helper") }
        if !ours.isEmpty {
            return [DoctorFinding("apparmor", .ok, "AppArmor profile loaded: \(ours.joined(separator: "; "))")]
        }
        let cHelper = lines.filter { $0.contains("qemu-bridge-helper") }
        if !cHelper.isEmpty {
            return [
                DoctorFinding(
                    "apparmor", .warn,
                    "AppArmor confines the C helper (\(cHelper.joined(separator: "; "))) but has no profile for swift-bridge-helper: libvirt's helper confinement does not apply to it",
                    fix: "apparmor_parser -r /etc/apparmor.d/usr.libexec.swift-bridge-helper")
            ]
        }
        return [
            DoctorFinding(
                "apparmor", .info,
                "AppArmor is active; no profile mentions a bridge helper (\(lines.count) profiles loaded)")
        ]
    }
}
