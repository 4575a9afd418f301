/// What bridge-helper-probe printed about one helper run: `key=value` lines
/// (exit=, fds=, data=, tap=, vnet_hdr=, mtu=, mac=, up=, master=).
struct ProbeReport: Sendable, CustomStringConvertible {
    let values: [String: String]
    let description: String

    init(parsing text: String) {
        description = text
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.values = values
    }

    /// nil when the helper was killed by a signal, or the probe itself failed.
    var exitStatus: Int? { values["exit"].flatMap { Int($0) } }
    var descriptorCount: Int { values["fds"].flatMap { Int($0) } ?? 0 }
    var receivedDescriptor: Bool { descriptorCount > 0 }
    var data: String? { values["data"] }
    var tap: String? { values["tap"] }
    var vnetHeader: Bool? { values["vnet_hdr"].map { $0 == "1" } }
    var mtu: Int? { values["mtu"].flatMap { Int($0) } }
    var mac: String? { values["mac"] }
    var isUp: Bool? { values["up"].map { $0 == "1" } }
    var master: String? { values["master"] }

    /// Whether the tap's name came from the `tap%d` template.
    var tapNameIsFromTemplate: Bool {
        guard let tap, tap.hasPrefix("tap") else { return false }
        let number = tap.dropFirst(3)
        return !number.isEmpty && number.allSatisfy(\.isASCIIDigit)
    }

    /// Everything QEMU relies on in the fd, for comparing two helpers.
    var tapProperties: TapProperties? {
        guard receivedDescriptor else { return nil }
        return TapProperties(
            vnetHeader: vnetHeader, master: master, mtu: mtu, isUp: isUp,
            hasHighMAC: mac?.hasPrefix("fe:") ?? false, nameIsFromTemplate: tapNameIsFromTemplate)
    }

    struct TapProperties: Equatable, Sendable {
        var vnetHeader: Bool?
        var master: String?
        var mtu: Int?
        var isUp: Bool?
        var hasHighMAC: Bool
        var nameIsFromTemplate: Bool
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
