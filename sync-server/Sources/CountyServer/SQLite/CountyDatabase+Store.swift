import Foundation
import GRDB
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

    public func lastLogSeq() async throws -> Int64 { try await writer.read { try ChangeLog.lastSeq($0) } }
}

/// Runs blocking work on a dispatch thread and suspends the caller until it is done, so that a long read (a merge
/// run over a county) never holds one of the cooperative threads that serve requests.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

extension CountyDatabase: TableCopying {
    /// The columns of `tables`, as this database's schema has them.
    func tableColumns(_ tables: [String]) throws -> [String: [String]] {
        try writer.read { db in
            try Dictionary(uniqueKeysWithValues: tables.map { ($0, try db.columns(in: $0).map(\.name)) })
        }
    }

    public func rowCount(_ table: String) async throws -> Int {
        try await writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    public func rows(_ table: String, columns: [String], key: String, after: ColumnValue?, limit: Int) async throws
        -> [[ColumnValue]]
    {
        try await writer.read { db in
            let condition = after == nil ? "" : " WHERE \(key) > ?"
            let arguments = StatementArguments(after.map { [$0.databaseValue] } ?? [])
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT \(columns.joined(separator: ", ")), \(key) FROM \(table)\(condition) ORDER BY \(key) LIMIT \(limit)",
                arguments: arguments
            ).map { row in (0..<row.count).map { ColumnValue(row[$0] as DatabaseValue) } }
        }
    }

    public func insert(_ table: String, columns: [String], rows: [[ColumnValue]]) async throws {
        try await writer.write { db in
            let statement = try db.makeStatement(
                sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ("
                    + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
            for row in rows { try statement.execute(arguments: StatementArguments(row.map(\.databaseValue))) }
        }
    }

    /// SQLite's AUTOINCREMENT follows the largest `seq` inserted by itself.
    public func afterCopy() async throws {}
}

extension CountyDatabase {
    /// A consistent copy of the county's file at `path` while villages keep syncing (`Backup`); its size in bytes.
    public func backup(to path: String) throws -> Int64 {
        try Backup.copy(writer, to: path)
    }
}
