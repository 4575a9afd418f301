/// Which helper QEMU runs when `helper=` is not given: its compiled-in path, which on
/// Debian is the C helper unless it was diverted and replaced by ours.
struct QEMUDefaultHelperCheck {
    let defaultPath: String
    let helperPath: String

    func findings() -> [DoctorFinding] {
        let divert = "dpkg-divert --local --rename --add \(defaultPath) && ln -s \(helperPath) \(defaultPath)"
        guard let status = FileFacts.status(defaultPath) else {
            return [
                DoctorFinding(
                    "qemu.default_helper", .info,
                    "QEMU's default helper \(defaultPath) does not exist: QEMU needs helper=\(helperPath) on -netdev bridge"
                )
            ]
        }
        let diversion = ExternalCommand("dpkg-divert", ["--list", defaultPath])?.run()?.standardOutput
            .split(separator: "\n").first.map(String.init)
        let diverted = diversion.map { " (\($0))" } ?? ""
        if let ours = FileFacts.status(helperPath), ours.st_dev == status.st_dev, ours.st_ino == status.st_ino {
            return [
                DoctorFinding(
                    "qemu.default_helper", .ok, "QEMU's default helper \(defaultPath) is swift-bridge-helper\(diverted)"
                )
            ]
        }
        return [
            DoctorFinding(
                "qemu.default_helper", .info,
                "QEMU's default helper \(defaultPath) is not swift-bridge-helper\(diverted): pass -netdev bridge,br=BR,helper=\(helperPath), or make it the default",
                fix: divert)
        ]
    }
}
