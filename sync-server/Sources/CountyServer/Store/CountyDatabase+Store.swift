import Foundation
import RegistryCore

/// The SQLite store: the county database is its own store. Its synchronous operations witness the protocol's
/// requirements; the county's reads and writes run off Swift's cooperative threads (two on a two-core server,
/// which also serve every request), on a thread of their own while GRDB works.
extension CountyDatabase: CountyStore {
    public func reading<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T {
        try await offThePool { try operation(self) }
    }

    public func writing<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T {
        try await offThePool { try operation(self) }
    }

    public func close() async {}
}

/// Runs blocking work on a dispatch thread and suspends the caller until it is done, so that a long read (a merge
/// run over a county) never holds one of the cooperative threads that serve requests.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
