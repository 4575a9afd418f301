/// What one helper did at one concurrency level, over all timed rounds.
struct Summary {
    var samples: [UInt64] = []
    var failures = 0
    var peakRSSKilobytes = 0
    var wallNanoseconds: UInt64 = 0

    mutating func add(_ batch: Batch) {
        samples += batch.invocations.map(\.nanoseconds)
        failures += batch.failures
        peakRSSKilobytes = batch.invocations.reduce(peakRSSKilobytes) { max($0, $1.peakRSSKilobytes) }
        wallNanoseconds += batch.wallNanoseconds
    }

    /// Nearest-rank percentile, in microseconds.
    func percentile(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return Double(sorted[max(0, min(rank, sorted.count - 1))]) / 1000
    }

    /// Invocations completed per second of batch wall time.
    var throughput: Double {
        wallNanoseconds == 0 ? 0 : Double(samples.count) / (Double(wallNanoseconds) / 1e9)
    }
}
