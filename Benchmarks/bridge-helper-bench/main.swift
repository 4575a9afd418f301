// bridge-helper-bench: per-VM-start cost of bridge helpers, measured the way QEMU calls them.
//
//   bridge-helper-bench [--bridge BR] [--rounds N] [--warmup N] [--widths 1,16,64] NAME=HELPER...
//
// For each width (invocations started at once), each round runs one batch of every helper in
// turn, starting one helper later each round (A B, B A, ...), so drift on a shared machine and
// the cost of going first in a round hit all helpers alike. The taps a round
// receives stay open while it is timed and are closed afterwards, untimed (tap teardown is the
// kernel's cost, not the helper's). Prints `key=value` result lines for scripts/bench, and exits
// non-zero if any invocation failed or any tap outlived its fd.
@preconcurrency import Glibc

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    fputs(Options.usage + "\n", stderr)
    exit(2)
}
let helpers = options.helpers

var anyFailure = false
for width in options.widths {
    var summaries = Array(repeating: Summary(), count: helpers.count)
    for round in 0..<(options.warmup + options.rounds) {
        var opened: [Int32] = []
        // Each helper takes each position in turn. The first batch of a round is measurably
        // slower (about 0.3 ms serially on a 2-core VM, whoever runs it: caches and the
        // kernel's tap/bridge paths are cold after the previous round's teardown), so a fixed
        // order would charge that to the first helper named.
        for offset in 0..<helpers.count {
            let index = (round + offset) % helpers.count
            let batch = Batch.run(helper: helpers[index].path, bridge: options.bridge, width: width)
            opened += batch.taps
            if round >= options.warmup { summaries[index].add(batch) } else if batch.failures > 0 { anyFailure = true }
        }
        opened.forEach { close($0) }
    }
    for (index, helper) in helpers.enumerated() {
        let summary = summaries[index]
        anyFailure = anyFailure || summary.failures > 0
        print(
            "result width=\(width) helper=\(helper.name) invocations=\(summary.samples.count) failures=\(summary.failures)"
                + " median_us=\(Int(summary.percentile(0.5))) p90_us=\(Int(summary.percentile(0.9)))"
                + " per_second=\(Int(summary.throughput)) maxrss_kb=\(summary.peakRSSKilobytes)")
    }
}
let leaked = tapInterfaceCount()
print("leaked_taps=\(leaked)")
exit(anyFailure || leaked != 0 ? 1 : 0)
