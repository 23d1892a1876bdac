import Dispatch
import Foundation

extension Array {
    /// `map` over `jobs` worker threads, each taking the next unclaimed element (so a slow element
    /// does not hold up the others); the results come back in the original order.
    public func concurrentMap<T>(jobs: Int, _ transform: (Element) -> T) -> [T] {
        let lock = NSLock()
        var results = [T?](repeating: nil, count: count)
        var next = 0
        DispatchQueue.concurrentPerform(iterations: Swift.max(1, jobs)) { _ in
            while true {
                lock.lock()
                let i = next
                next += 1
                lock.unlock()
                guard i < count else { return }
                let value = transform(self[i])
                lock.lock()
                results[i] = value
                lock.unlock()
            }
        }
        return results.map { $0! }
    }
}
