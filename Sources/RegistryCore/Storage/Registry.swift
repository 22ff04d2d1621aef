import Foundation
import GRDB

/// The village registry: the one owner of the database file. It migrates the schema when opened and offers
/// named operations, each one transaction that keeps the registry's rules and logs every change for sync.
public final class Registry: Sendable {
    /// The database (a pool on a file, a queue in memory). Not public: the CLI, the pages and the sync library go
    /// through named operations (`Registry+SyncLog`, `backup(to:)`, …), so that each rule lives in one place. Tests
    /// that plant rows as an older or hostile program would reach it through `@testable import`.
    let writer: any DatabaseWriter
    /// "Now" and the village's time zone.
    public let clock: RegistryClock
    /// Makes record ids.
    public let ids: IDGenerator

    init(writer: any DatabaseWriter, clock: RegistryClock, ids: IDGenerator) throws {
        self.writer = writer
        try Migrations.migrator.migrateRefusingNewer(writer, program: "registry")
        // The village's time zone, once set at init, replaces the default of the injected clock.
        let zone = try writer.read { try Setting.get($0, .timeZone) }.flatMap(TimeZone.init(identifier:))
        self.clock = RegistryClock(timeZone: zone ?? clock.timeZone, now: clock.now)
        self.ids = ids
    }

    /// How far a time a clerk gives may lie ahead of the computer's clock (the county's default allowed skew).
    static let allowedSkew: TimeInterval = 600

    /// Opens (creating if needed) the registry file at `path`. The file is created readable by its owner only:
    /// it holds id numbers and phones. WAL and a busy timeout let two clerks write the same file at once.
    public static func open(
        path: String, now: @escaping @Sendable () -> Date,
        ids makeIDs: ((RegistryClock) -> IDGenerator)? = nil
    ) throws -> Registry {
        if !FileManager.default.fileExists(atPath: path) {
            let fd = Foundation.open(path, O_CREAT | O_WRONLY, 0o600)
            guard fd >= 0 else {
                throw RegistryError(.file, zh: "无法创建数据库文件 \(path)", en: "cannot create the database file \(path)")
            }
            close(fd)
        }
        var config = Configuration()
        config.busyMode = .timeout(15)
        // A 64 MB page cache: a large import then stays in memory instead of re-reading spilled index pages.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw RegistryError(
                .file, zh: "无法打开数据库文件 \(path)（不是登记库文件？）",
                en: "cannot open the database file \(path) (not a registry file?)")
        }
        let clock = RegistryClock(timeZone: .shanghai, now: now)
        return try Registry(writer: pool, clock: clock, ids: makeIDs?(clock) ?? .v7(clock: clock))
    }

    /// A registry in memory, for tests.
    public static func inMemory(clock: RegistryClock, ids: IDGenerator? = nil) throws -> Registry {
        try Registry(writer: try DatabaseQueue(), clock: clock, ids: ids ?? .sequential(clock: clock))
    }

    /// Sets up a new registry for a village. Refused when the registry already belongs to another village.
    public func initialize(
        village code: String, name: String, timeZone: String? = nil, deadline: String? = nil,
        policyVersion: String? = nil, policyDocument: String? = nil
    ) throws -> RegistrySettings {
        let village = try Validate.areaCode(code, field: .village, lengths: [12])
        let villageName = try Validate.required(name, field: .villageName)
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw RegistryError(.timeZone, zh: "未知时区 \(timeZone)", en: "unknown time zone \(timeZone)")
        }
        if let deadline { _ = try LocalTimeOfDay(deadline, field: .deadline) }
        // A version by its file name (9th) or as people name it (第九版, 二十条).
        let policyVersion = try policyVersion.map { named in
            guard let version = PolicyBook.builtinVersion(named: named) else {
                throw RegistryError.notOneOf(
                    .policy, named, PolicyBook.builtin.map(\.version),
                    chinese: PolicyBook.builtin.map { PolicyBook.label($0.version) })
            }
            return version
        }
        return try writer.write { db in
            if let existing = try Setting.get(db, .village), existing != village {
                throw RegistryError(
                    .village, zh: "此登记库已属于 \(existing)，不能改为 \(village)",
                    en: "this registry already belongs to \(existing), not \(village)")
            }
            try Setting.set(db, .village, village)
            try Setting.set(db, .villageName, villageName)
            if try Setting.get(db, .site) == nil { try Setting.set(db, .site, ids.make()) }
            if try Setting.get(db, .createdOn) == nil { try Setting.set(db, .createdOn, "\(clock.today)") }
            if let timeZone { try Setting.set(db, .timeZone, timeZone) }
            if let deadline { try Setting.set(db, .deadline, deadline) }
            if let policyVersion { try Setting.set(db, .policyVersion, policyVersion) }
            if let policyDocument {
                _ = try Policy(json: Data(policyDocument.utf8), file: "policy")
                try Setting.set(db, .policyDocument, policyDocument)
            }
            return try RegistrySettings.load(db)
        }
    }

    /// The registry's settings; refused when it was never initialised.
    public func settings() throws -> RegistrySettings {
        try writer.read { try RegistrySettings.load($0) }
    }

    /// Runs `body` in one write transaction with a change recorder; the clock is persisted at the end.
    func write<T>(_ body: (Database, inout ChangeRecorder, RegistrySettings) throws -> T) throws -> T {
        try writer.write { db in
            let settings = try RegistrySettings.load(db)
            return try ChangeRecorder.recording(db, site: settings.site, clock: clock) { try body(db, &$0, settings) }
        }
    }

    /// Runs `body` in one read transaction with the settings.
    func read<T>(_ body: (Database, RegistrySettings) throws -> T) throws -> T {
        try writer.read { db in try body(db, try RegistrySettings.load(db)) }
    }

    /// The current time as stored in records: ISO 8601 with the village's offset.
    var nowText: String { clock.isoText(clock.now()) }
}

/// A time of day `HH:MM`, such as the report deadline.
public struct LocalTimeOfDay: Sendable, Equatable {
    public let hour: Int
    public let minute: Int

    /// Parses `HH:MM` (24-hour).
    public init(_ text: String, field: Field) throws {
        let parts = text.asciiCompacted.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else { throw RegistryError(field, zh: "“\(text)”不是有效时间（HH:MM）", en: "\"\(text)\" is not a valid time (HH:MM)") }
        hour = h
        minute = m
    }
}
