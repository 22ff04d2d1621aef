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
        return migrator
    }

    /// Pushes waiting for the writer, applied in group commits (see `PushGroups`).
    let pushes = PushGroups()

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

    /// The county's identity and sync settings.
    public struct Settings: Sendable, Equatable {
        public var county: String
        public var name: String
        public var site: String
        public var epoch: String
        /// County, city or province: what this server stands for (a county's databases, set up before levels
        /// existed, have no key and are counties).
        public var level: RegionLevel

        /// The settings from the stored keys; refuses a store that was never initialised.
        init(_ values: [String: String]) throws {
            guard let county = values["county"], let site = values["site"], let epoch = values["epoch"] else {
                throw RegistryError(
                    nil, zh: "县数据库尚未初始化：请先运行 sync-server init --county 代码 --name 县名",
                    en: "the county database is not initialised: run sync-server init --county CODE --name NAME")
            }
            self.county = county
            self.name = values["county_name"] ?? ""
            self.site = site
            self.epoch = epoch
            level = values["level"].flatMap(RegionLevel.init(rawValue:)) ?? .county
        }
    }

    /// Sets up the county: its 6-digit code, its name, a site id and an epoch.
    @discardableResult
    public func initialize(county code: String, name: String) throws -> Settings {
        try initialize(region: code, level: .county, name: name)
    }

    /// Sets up the server for a region at `level` (a county, a city or a province): its 6-digit code, its name, a
    /// site id and an epoch. Run again it renames; it never changes the code or the level of a database.
    @discardableResult
    public func initialize(region code: String, level: RegionLevel, name: String) throws -> Settings {
        let (region, name) = try level.checkSetup(code: code, name: name)
        return try writer.write { db in
            var existing: [String: String] = [:]
            for key in ["county", "level"] { existing[key] = try LocalSettings.get(db, key) }
            try level.checkSameAsStored(code: region, stored: existing)
            try LocalSettings.set(db, "county", region)
            try LocalSettings.set(db, "county_name", name)
            try LocalSettings.set(db, "level", level.rawValue)
            if try LocalSettings.get(db, "site") == nil {
                try LocalSettings.set(db, "site", "\(level.rawValue)-" + UUID().uuidString.lowercased())
            }
            if try LocalSettings.get(db, "epoch") == nil {
                try LocalSettings.set(db, "epoch", UUID().uuidString.lowercased())
            }
            return try CountyDatabase.settings(db)
        }
    }

    /// Starts a new epoch, after the database was restored from a backup: villages then pull from scratch.
    public func newEpoch() throws -> String {
        try writer.write { db in
            _ = try CountyDatabase.settings(db)
            let epoch = UUID().uuidString.lowercased()
            try LocalSettings.set(db, "epoch", epoch)
            return epoch
        }
    }

    public func settings() throws -> Settings { try writer.read { try CountyDatabase.settings($0) } }

    /// A read-only look at the county's rows (tools and tests; writes inside throw).
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try writer.read(body) }

    static func settings(_ db: Database) throws -> Settings {
        var values: [String: String] = [:]
        for key in ["county", "county_name", "site", "epoch", "level"] { values[key] = try LocalSettings.get(db, key) }
        return try Settings(values)
    }

    /// Runs `body` in one write transaction with a change recorder for the county's own site.
    func write<T>(_ body: (Database, inout ChangeRecorder, Settings) throws -> T) throws -> T {
        try writer.write { db in
            let settings = try CountyDatabase.settings(db)
            return try ChangeRecorder.recording(db, site: settings.site, clock: clock) { try body(db, &$0, settings) }
        }
    }
}
