@preconcurrency import Glibc

/// The command line of bridge-helper-bench.
struct Options {
    static let usage =
        "usage: bridge-helper-bench [--bridge BR] [--rounds N] [--warmup N] [--widths 1,16,64] NAME=HELPER..."

    var bridge = "br0"
    var rounds = 30
    var warmup = 2
    var widths = [1, 16, 64]
    var helpers: [(name: String, path: String)] = []

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--bridge":
                guard let next = rest.popFirst() else { return nil }
                options.bridge = next
            case "--rounds":
                guard let next = rest.popFirst().flatMap({ Int($0) }) else { return nil }
                options.rounds = next
            case "--warmup":
                guard let next = rest.popFirst().flatMap({ Int($0) }) else { return nil }
                options.warmup = next
            case "--widths":
                guard let next = rest.popFirst() else { return nil }
                options.widths = next.split(separator: ",").map { Int($0) ?? 0 }
            default:
                let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !argument.hasPrefix("-") else { return nil }
                options.helpers.append((parts[0], parts[1]))
            }
        }
        let valid =
            !options.helpers.isEmpty && options.rounds > 0 && options.warmup >= 0
            && !options.widths.isEmpty && options.widths.allSatisfy { $0 > 0 }
        return valid ? options : nil
    }
}
