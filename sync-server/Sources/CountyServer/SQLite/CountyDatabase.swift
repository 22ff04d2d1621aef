import Foundation
import GRDB
import RegistryCore

/// The county's database: the registry's tables and change log (the same schema as every village) plus the
/// server's own tables. One owner of the file; every write of a synced row goes through a `ChangeRecorder`.
public final class CountyDatabase: Sendable {
    /// Not public: every write goes through a named operation (a push, an import, an edit), each of which logs what
    /// it writes, so that "every write is logged" holds by construction. Readers outside use `read`.
    let writer: any DatabaseWriter
    public let clock: RegistryClock

    static var migrator: DatabaseMigrator {
        var migrator = Migrations.migrator
        migrator.registerMigration("county-v1") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v1_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v2") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v2_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v3") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v3_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v4") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v4_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v5") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v5_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v6") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v6_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v7") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v7_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v8") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v8_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v9") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v9_sql, as: UTF8.self))
        }
        migrator.registerMigration("county-v10") { db in
            try db.execute(sql: String(decoding: PackageResources.county_v10_sql, as: UTF8.self))
        }
        return migrator
    }

    /// Pushes waiting for the writer, applied in group commits (see `PushGroups`).
    let pushes = PushGroups()
    /// When each village's last contact was written by this process (`ContactThrottle`).
    let contacts = ContactThrottle()

    init(writer: any DatabaseWriter, clock: RegistryClock) throws {
        self.writer = writer
        self.clock = clock
        try CountyDatabase.migrator.migrateRefusingNewer(writer, program: "sync-server")
    }

    /// Opens (creating, readable by its owner only) the county database at `path`, in WAL mode.
    public static func open(path: String, clock: RegistryClock) throws -> CountyDatabase {
        if !FileManager.default.fileExists(atPath: path) {
            let fd = Foundation.open(path, O_CREAT | O_WRONLY, 0o600)
            guard fd >= 0 else { throw RegistryError(.file, zh: "无法创建 \(path)", en: "cannot create \(path)") }
            Foundation.close(fd)
        }
        var config = Configuration()
        config.busyMode = .timeout(15)
        // The writer gets a 64 MB page cache and checkpoints every 64 MB of WAL instead of every 4 MB. Pushed rows land
        // at random places in the key indexes (villages' time-ordered ids interleave), so each commit dirties many
        // pages; a checkpoint copies a page once however many pushes dirtied it since the last one. Measured with
        // realistic keys: apply 17-19k -> 22-24k changes/s (`sync-bench apply`). Readers keep SQLite's default
        // cache, so that the pool's memory stays bounded.
        config.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384")
            }
        }
        // synchronous stays FULL (no `NORMAL`, though it would save an fsync per push): a power cut that lost the
        // last commits would hand out their change-log sequence numbers again, and a village that had already
        // pulled past them would never see the new changes under those numbers.
        return try CountyDatabase(writer: try DatabasePool(path: path, configuration: config), clock: clock)
    }

    /// A county database in memory, for tests.
    public static func inMemory(clock: RegistryClock) throws -> CountyDatabase {
        try CountyDatabase(writer: try DatabaseQueue(), clock: clock)
    }

    /// Sets up the county: its 6-digit code, its name, a site id and an epoch.
    @discardableResult
    public func initialize(county code: String, name: String) throws -> CountySettings {
        try initialize(region: code, level: .county, name: name)
    }

    /// Sets up the server for a region at `level` (a county, a city or a province): its 6-digit code, its name, a
    /// site id and an epoch. Run again it renames; it never changes the code or the level of a database.
    @discardableResult
    public func initialize(region code: String, level: RegionLevel, name: String) throws -> CountySettings {
        let (region, name) = try level.checkSetup(code: code, name: name)
        return try writer.write { db in
            var stored: [CountySetting: String] = [:]
            for key in [CountySetting.region, .level, .site, .epoch] { stored[key] = try Self.setting(db, key) }
            for (key, value) in try CountySettings.initial(region: region, level: level, name: name, stored: stored) {
                try Self.setSetting(db, key, value)
            }
            return try CountyDatabase.settings(db)
        }
    }

    /// Starts a new epoch, after the database was restored from a backup: villages then pull from scratch.
    public func newEpoch() throws -> String {
        try writer.write { db in
            _ = try CountyDatabase.settings(db)
            let epoch = UUID().uuidString.lowercased()
            try Self.setSetting(db, .epoch, epoch)
            return epoch
        }
    }

    public func settings() throws -> CountySettings { try writer.read { try CountyDatabase.settings($0) } }

    /// A read-only look at the county's rows (tools and tests; writes inside throw).
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try writer.read(body) }

    static func settings(_ db: Database) throws -> CountySettings {
        var values: [String: String] = [:]
        for key in CountySetting.identity { values[key.rawValue] = try setting(db, key) }
        return try CountySettings(values)
    }

    /// One of the county's settings (`CountySetting`), or nil when unset.
    static func setting(_ db: Database, _ key: CountySetting) throws -> String? {
        try LocalSettings.get(db, key.rawValue)
    }

    /// Sets one of the county's settings; nil removes it.
    static func setSetting(_ db: Database, _ key: CountySetting, _ value: String?) throws {
        try LocalSettings.set(db, key.rawValue, value)
    }

    /// Runs `body` in one write transaction with a change recorder for the county's own site.
    func write<T>(_ body: (Database, inout ChangeRecorder, CountySettings) throws -> T) throws -> T {
        try writer.write { db in
            let settings = try CountyDatabase.settings(db)
            return try ChangeRecorder.recording(db, site: settings.site, clock: clock) { try body(db, &$0, settings) }
        }
    }
}
