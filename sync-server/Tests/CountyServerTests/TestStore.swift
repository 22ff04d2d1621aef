import Foundation
import GRDB
import RegistryCore

/// Which store the whole-process tests run on: SQLite files by default; PostgreSQL when
/// `SYNC_SERVER_TEST_POSTGRES` names a cluster (`postgres://user:password@host:port/database`, as
/// scripts/pg-cluster.sh prints), in which each harness gets a database of its own.
enum TestStore {
    static let postgresServer: String? = ProcessInfo.processInfo.environment["SYNC_SERVER_TEST_POSTGRES"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static var isPostgres: Bool { postgresServer != nil }

    /// A new, empty county database: a file in `dir`, or a new PostgreSQL database.
    static func newDatabase(in dir: URL) throws -> String {
        guard let server = postgresServer, var components = URLComponents(string: server) else {
            return dir.appendingPathComponent("county.sqlite").path
        }
        let name = "county_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try psql(server, "CREATE DATABASE \(name)")
        components.path = "/" + name
        return components.string!
    }

    static func isPostgres(_ db: String) -> Bool { db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") }

    /// Runs `sql` with psql on the database `url`; rows as tab-separated text, nulls as `\N`; with `header`, the
    /// column names first.
    static func psql(_ url: String, _ sql: String, header: Bool = false) throws -> [[String?]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["psql", "-X", "-q", "-A", "-F", "\t", "-P", "null=\\N", "-v", "ON_ERROR_STOP=1"]
            + (header ? ["-P", "footer=off"] : ["-t"]) + ["-d", url, "-c", sql]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RegistryError(nil, zh: "", en: "psql failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map {
            line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { $0 == "\\N" ? nil : String($0) }
        }
    }
}

/// A row read by the tests from either store, its values by column name.
struct TestRow {
    let values: [String: DatabaseValue]

    subscript<T: DatabaseValueConvertible>(_ column: String) -> T {
        let value = values[column] ?? .null
        // psql gives text: a number is read as one when the test asks for a number.
        if case .string(let text) = value.storage, T.fromDatabaseValue(value) == nil {
            if let n = Int64(text), let number = T.fromDatabaseValue(n.databaseValue) { return number }
            if let d = Double(text), let number = T.fromDatabaseValue(d.databaseValue) { return number }
        }
        return T.fromDatabaseValue(value)!
    }
}

/// Rows of `sql` (written to run on both SQLite and PostgreSQL) in the county database `db`, with a fresh connection.
func rows(_ db: String, _ sql: String) throws -> [TestRow] {
    guard TestStore.isPostgres(db) else {
        return try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                TestRow(values: Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0]) }))
            }
        }
    }
    let lines = try TestStore.psql(db, sql, header: true)
    let header = (lines.first ?? []).map { $0 ?? "" }
    return lines.dropFirst().map { fields in
        TestRow(
            values: Dictionary(
                uniqueKeysWithValues: zip(header, fields).map { name, text in
                    (name, text.map(\.databaseValue) ?? .null)
                }))
    }
}

/// The first value of `sql` as a count.
func count(_ db: String, _ sql: String) throws -> Int {
    guard TestStore.isPostgres(db) else {
        return try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }
    return try TestStore.psql(db, sql).first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
}

/// Runs `sql` (`?` placeholders) on the county database `db`, as a tool outside the server would.
func execute(_ db: String, _ sql: String, arguments: [DatabaseValue] = []) throws {
    guard TestStore.isPostgres(db) else {
        try DatabaseQueue(path: db).write { try $0.execute(sql: sql, arguments: StatementArguments(arguments)) }
        return
    }
    var text = ""
    var rest = arguments[...]
    for character in sql {
        guard character == "?", let value = rest.popFirst() else {
            text.append(character)
            continue
        }
        switch value.storage {
        case .null, .blob: text += "NULL"
        case .int64(let n): text += String(n)
        case .double(let d): text += String(d)
        case .string(let s): text += "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }
    _ = try TestStore.psql(db, text)
}
