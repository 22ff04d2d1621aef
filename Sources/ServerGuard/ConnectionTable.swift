import NIOCore
import Synchronization

/// Every open connection of one server, shared by their guards: how many each address group holds, and which to
/// close first when the server is full.
final class ConnectionTable: Sendable {
    struct Entry {
        let channel: any Channel
        let group: String
        /// The order of opening: the smallest is the oldest.
        let order: UInt64
        /// A request's headers came and its answer has not been sent yet: never closed to make room.
        var inRequest = false
        /// At least one request was answered on it (a kept-alive connection between requests).
        var answered = false
    }

    struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var perGroup: [String: Int] = [:]
        var opened: UInt64 = 0

        mutating func remove(_ id: ObjectIdentifier) -> Entry? {
            guard let entry = entries.removeValue(forKey: id) else { return nil }
            perGroup[entry.group, default: 1] -= 1
            if perGroup[entry.group] == 0 { perGroup[entry.group] = nil }
            return entry
        }

        /// The connection to close to make room: the oldest that never sent a complete request, else the oldest idle
        /// kept-alive one; nil when every connection is in the middle of a request.
        func victim() -> ObjectIdentifier? {
            var best: (id: ObjectIdentifier, rank: (Int, UInt64))?
            for (id, entry) in entries where !entry.inRequest {
                let rank = (entry.answered ? 1 : 0, entry.order)
                if best == nil || rank < best!.rank { best = (id, rank) }
            }
            return best?.id
        }
    }

    let limits: ConnectionLimits
    private let state = Mutex(State())

    init(limits: ConnectionLimits) { self.limits = limits }

    /// Counts a new connection; false when its address group holds its share already, or the server is full of
    /// requests under way. At the limit the connection chosen by `victim()` is closed to make room.
    func open(_ id: ObjectIdentifier, channel: any Channel, address: String) -> Bool {
        let group = ConnectionLimits.group(address)
        let (admitted, evicted) = state.withLock { state -> (Bool, (any Channel)?) in
            guard state.perGroup[group, default: 0] < limits.perAddress else { return (false, nil) }
            var evicted: (any Channel)?
            if state.entries.count >= limits.maxConnections {
                guard let victim = state.victim() else { return (false, nil) }
                evicted = state.remove(victim)?.channel
            }
            state.opened += 1
            state.entries[id] = Entry(channel: channel, group: group, order: state.opened)
            state.perGroup[group, default: 0] += 1
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        return admitted
    }

    func close(_ id: ObjectIdentifier) {
        _ = state.withLock { $0.remove(id) }
    }

    func requestStarted(_ id: ObjectIdentifier) {
        state.withLock { $0.entries[id]?.inRequest = true }
    }

    func answered(_ id: ObjectIdentifier) {
        state.withLock { state in
            state.entries[id]?.inRequest = false
            state.entries[id]?.answered = true
        }
    }
}
