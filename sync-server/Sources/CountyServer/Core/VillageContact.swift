import Foundation
import NIOConcurrencyHelpers
import RegistryCore

/// When the county last heard from a village, and how: over HTTP (a push or a pull) or by a carried file.
public struct VillageContact: Sendable, Equatable {
    public var village: String
    /// County time, ISO 8601 with offset.
    public var at: String
    public var via: String
}

/// Keeps a village's last contact written at most once every few minutes per process: a village syncing every
/// minute must not cost the single writer a write per pull.
final class ContactThrottle: Sendable {
    static let interval: TimeInterval = 300
    private let written = NIOLockedValueBox<[String: Date]>([:])

    /// Whether a contact of `village` at `now` should be written (and notes that it will be).
    func shouldWrite(_ village: String, now: Date) -> Bool {
        written.withLockedValue { seen in
            if let last = seen[village], now.timeIntervalSince(last) < Self.interval { return false }
            seen[village] = now
            return true
        }
    }
}
