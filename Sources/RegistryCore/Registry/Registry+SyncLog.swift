import Foundation
import GRDB
import RegistryCore

/// A village's sync bookkeeping, kept in its local settings: where it syncs to, and how far pushes and pulls
/// have got. Every cursor is saved in the same transaction as what it counts.
public struct SyncState: Sendable, Equatable {
    public var server: String?
    public var token: String?
    /// The last own change-log sequence the server acknowledged.
    public var pushCursor: Int64
    /// The last server sequence pulled.
    public var pullCursor: Int64
    /// The server epoch the pull cursor belongs to.
    public var epoch: String?
    /// When a sync last completed.
    public var lastSuccess: String?
    /// The certificate authority file to trust for the server (`--ca-cert`), remembered like the server.
    public var caFile: String? = nil

    enum Key {
        static let server = "sync_server", token = "sync_token", push = "push_cursor", pull = "pull_cursor"
        static let epoch = "pull_epoch", lastSuccess = "last_sync", caFile = "sync_ca_file"
    }

    /// Reads the state.
    public static func load(_ db: Database) throws -> SyncState {
        SyncState(
            server: try LocalSettings.get(db, Key.server), token: try LocalSettings.get(db, Key.token),
            pushCursor: Int64(try LocalSettings.get(db, Key.push) ?? "0") ?? 0,
            pullCursor: Int64(try LocalSettings.get(db, Key.pull) ?? "0") ?? 0,
            epoch: try LocalSettings.get(db, Key.epoch), lastSuccess: try LocalSettings.get(db, Key.lastSuccess),
            caFile: try LocalSettings.get(db, Key.caFile))
    }

    static func setPush(_ db: Database, _ cursor: Int64) throws { try LocalSettings.set(db, Key.push, String(cursor)) }
    static func setPull(_ db: Database, _ cursor: Int64, epoch: String) throws {
        try LocalSettings.set(db, Key.pull, String(cursor))
        try LocalSettings.set(db, Key.epoch, epoch)
    }

    /// Remembers the server and token given once with `registry sync --server --token`.
    public static func remember(_ db: Database, server: String?, token: String?, caFile: String? = nil) throws {
        if let server { try LocalSettings.set(db, Key.server, server) }
        if let caFile { try LocalSettings.set(db, Key.caFile, caFile) }
        if let token { try LocalSettings.set(db, Key.token, token) }
    }
}

/// What `registry sync status` shows.
public struct SyncStatus: Sendable, Encodable {
    public var server: String?
    public var pending: Int
    public var last_success: String?
    public var rejected: [RejectedChange]

    /// A change the county refused.
    public struct RejectedChange: Sendable, Encodable {
        public var seq: Int64
        public var table: String
        public var pk: String
        public var reason: String
        public var rejected_at: String
    }

    /// The status of `registry`.
    public static func of(_ registry: Registry) throws -> SyncStatus {
        let settings = try registry.settings()
        return try registry.writer.read { db in
            let state = try SyncState.load(db)
            let pending = try ChangeLog.pendingCount(db, site: settings.site, cursor: state.pushCursor)
            let rejected = try Row.fetchAll(db, sql: "SELECT * FROM sync_rejection ORDER BY seq").map {
                RejectedChange(
                    seq: $0["seq"], table: $0["tbl"], pk: $0["pk"], reason: $0["reason"], rejected_at: $0["rejected_at"]
                )
            }
            return SyncStatus(
                server: state.server, pending: pending, last_success: state.lastSuccess, rejected: rejected)
        }
    }
}
