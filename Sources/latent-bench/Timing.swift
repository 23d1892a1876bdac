import Dispatch

/// Wall-clock timing with warm-up and the median of repeated measurements: robust to the noise
/// of a shared machine, where means are pulled by outliers.
enum Timing {
    /// Seconds per call of `body`: each of `repeats` samples times enough calls to last ≥ `minSeconds`.
    static func median(repeats: Int = 7, minSeconds: Double = 0.05, _ body: () -> Void) -> Double {
        body()
        var calls = 1
        while true {
            let t = seconds(calls, body)
            if t >= minSeconds || calls >= 1 << 24 { break }
            calls *= 2
        }
        var samples = (0..<repeats).map { _ in seconds(calls, body) / Double(calls) }
        samples.sort()
        return samples[samples.count / 2]
    }

    /// Seconds per call of each of `a` and `b`, timed in alternating samples so that a change in
    /// machine load affects both alike (for ratios between two implementations).
    static func interleavedMedians(repeats: Int = 9, minSeconds: Double = 0.1, _ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
        a(); b()
        func calibrate(_ body: () -> Void) -> Int {
            var calls = 1
            while seconds(calls, body) < minSeconds && calls < 1 << 24 { calls *= 2 }
            return calls
        }
        let (ca, cb) = (calibrate(a), calibrate(b))
        var sa: [Double] = [], sb: [Double] = []
        for _ in 0..<repeats {
            sa.append(seconds(ca, a) / Double(ca))
            sb.append(seconds(cb, b) / Double(cb))
        }
        sa.sort(); sb.sort()
        return (sa[repeats / 2], sb[repeats / 2])
    }

    static func seconds(_ calls: Int, _ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
}

/// One JSON object per line, keys in the order given (no Foundation encoder: stable key order).
struct JSONLine {
    private var fields: [String] = []

    mutating func add(_ key: String, _ value: String) { fields.append("\"\(key)\":\"\(value)\"") }
    mutating func add(_ key: String, _ value: Int) { fields.append("\"\(key)\":\(value)") }
    mutating func add(_ key: String, _ value: Double, digits: Int = 3) {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        fields.append("\"\(key)\":\(rounded)")
    }
    mutating func add(_ key: String, _ values: [Int]) { fields.append("\"\(key)\":[\(values.map(String.init).joined(separator: ","))]") }

    var text: String { "{" + fields.joined(separator: ",") + "}" }
}
