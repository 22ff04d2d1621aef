import Foundation
import NIOConcurrencyHelpers

/// Counts requests per client address in fixed windows: at most `limit` in each `window`; past that, how long to
/// wait. Memory stays bounded: windows that ended are dropped once many addresses are held.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let counts = NIOLockedValueBox([String: (start: Date, count: Int)]())

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one request from `address` at `now`: nil when allowed, else the seconds until the window ends.
    func admit(_ address: String, now: Date = Date()) -> Int? {
        counts.withLockedValue { counts in
            if counts.count > 10_000 { counts = counts.filter { now.timeIntervalSince($0.value.start) < window } }
            var entry = counts[address] ?? (now, 0)
            if now.timeIntervalSince(entry.start) >= window { entry = (now, 0) }
            entry.count += 1
            counts[address] = entry
            guard entry.count > limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(entry.start)).rounded(.up)))
        }
    }
}
