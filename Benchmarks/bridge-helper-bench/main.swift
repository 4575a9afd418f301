// bridge-helper-bench: per-VM-start cost of bridge helpers, measured the way QEMU calls them.
//
//   bridge-helper-bench [--bridge BR] [--rounds N] [--warmup N] [--widths 1,16,64] NAME=HELPER...
//
// For each width (invocations started at once), each round runs one batch of every helper in
// turn (A B A B ...), so drift on a shared machine hits all helpers alike. The taps a round
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
        for (index, helper) in helpers.enumerated() {
            let batch = Batch.run(helper: helper.path, bridge: options.bridge, width: width)
            opened += batch.taps
            if round >= options.warmup { summaries[index].add(batch) } else if batch.failures > 0 { anyFailure = true }
        }
        opened.forEach { close($0) }
    }
    for (index, helper) in helpers.enumerated() {
        let summary = summaries[index]
        anyFailure = anyFailure || summary.failures > 0
        print("result width=\(width) helper=\(helper.name) invocations=\(summary.samples.count) failures=\(summary.failures)"
            + " median_us=\(Int(summary.percentile(0.5))) p90_us=\(Int(summary.percentile(0.9)))"
            + " per_second=\(Int(summary.throughput)) maxrss_kb=\(summary.peakRSSKilobytes)")
    }
}
let leaked = tapInterfaceCount()
print("leaked_taps=\(leaked)")
exit(anyFailure || leaked != 0 ? 1 : 0)
