import Foundation
import RegistryCore

/// Opens the store `location` names: a `postgres://` (or `postgresql://`) URL opens PostgreSQL, anything else is a
/// SQLite file path (created, readable by its owner only, when it does not exist).
public func openStore(_ location: String, clock: RegistryClock) async throws -> any CountyStore {
    if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
        return try await PostgresStore.open(url: location, clock: clock)
    }
    return try CountyDatabase.open(path: location, clock: clock)
}

/// `location` as it may be shown or logged: a URL without its password.
public func displayed(_ location: String) -> String {
    guard location.hasPrefix("postgres"), var components = URLComponents(string: location), components.password != nil
    else { return location }
    components.password = "***"
    return components.string ?? location
}
