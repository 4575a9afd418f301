/// AppArmor: libvirt confines bridge helpers with a child profile named after the C
/// helper's path; ours needs its own profile, or none.
struct AppArmorChecks {
    let profilesPath: String

    func findings() -> [DoctorFinding] {
        guard let profiles = FileFacts.text(profilesPath) else {
            return [DoctorFinding("apparmor", .info, "AppArmor is not active here (no \(profilesPath))")]
        }
        // Lines look like `/usr/libexec/swift-bridge-helper (enforce)`.
        let lines = profiles.split(separator: "\n").map(String.init)
        let ours = lines.filter { $0.contains("swift-bridge-helper") }
        if !ours.isEmpty {
            return [DoctorFinding("apparmor", .ok, "AppArmor profile loaded: \(ours.joined(separator: "; "))")]
        }
        let cHelper = lines.filter { $0.contains("qemu-bridge-helper") }
        if !cHelper.isEmpty {
            return [DoctorFinding("apparmor", .warn,
                "AppArmor confines the C helper (\(cHelper.joined(separator: "; "))) but has no profile for swift-bridge-helper: libvirt's helper confinement does not apply to it",
                fix: "apparmor_parser -r /etc/apparmor.d/usr.libexec.swift-bridge-helper")]
        }
        return [DoctorFinding("apparmor", .info, "AppArmor is active; no profile mentions a bridge helper (\(lines.count) profiles loaded)")]
    }
}
