import Foundation
import GRDB

/// The registry's local settings (never synced): which village it is, its site id, time zone, deadline, the
/// clock, sync cursors.
enum Setting: String, CaseIterable {
    case village
    case villageName = "village_name"
    case site
    case timeZone = "time_zone"
    case deadline, hlc
    case policyVersion = "policy_version"
    case policyDocument = "policy_document"
    case reporter
    /// The latest time the county server told this registry (at a sync): a time known to have passed.
    case serverTime = "server_time"
    /// The day the registry was set up: no daily report was due before it.
    case createdOn = "created_on"

    static func get(_ db: Database, _ key: Setting) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key.rawValue])
    }

    static func int(_ db: Database, _ key: Setting) throws -> Int64? {
        try get(db, key).flatMap { Int64($0) }
    }

    static func set(_ db: Database, _ key: Setting, _ value: String?) throws {
        if let value {
            try db.execute(
                sql:
                    "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key.rawValue, value])
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key.rawValue])
        }
    }
}

/// Who this registry is: the village, its site id, its time zone and report deadline.
public struct RegistrySettings: Sendable, Equatable {
    /// The 12-digit village code.
    public var village: String
    /// The village's name.
    public var villageName: String
    /// This registry's site id in sync (a UUID made at `init`).
    public var site: String
    /// The village's time zone identifier.
    public var timeZone: String
    /// The daily report deadline, `HH:MM` local.
    public var deadline: String
    /// A policy version pinned at `init --policy`, if any.
    public var policyVersion: String?

    /// The county (first 6 digits of the village code).
    public var county: String { String(village.prefix(6)) }

    static func load(_ db: Database) throws -> RegistrySettings {
        guard let village = try Setting.get(db, .village), let site = try Setting.get(db, .site) else {
            throw RegistryError(
                nil, zh: "登记库尚未初始化：请先运行 registry init --village 代码 --name 村名",
                en: "the registry is not initialised: run registry init --village CODE --name NAME")
        }
        return RegistrySettings(
            village: village, villageName: try Setting.get(db, .villageName) ?? "", site: site,
            timeZone: try Setting.get(db, .timeZone) ?? "Asia/Shanghai",
            deadline: try Setting.get(db, .deadline) ?? "17:00",
            policyVersion: try Setting.get(db, .policyVersion))
    }
}

extension Setting {
    /// The latest instant (ms) this registry knows has passed: its own clock's high-water mark (the HLC, which
    /// never goes back) or the county server's time at the last sync.
    static func knownPast(_ db: Database) throws -> Int64 {
        let hlc = HLC(raw: try int(db, .hlc) ?? 0).milliseconds
        let server = try serverTime(db).map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0
        return max(hlc, server)
    }

    /// The county server's time seen at the last sync, if any.
    static func serverTime(_ db: Database) throws -> Date? {
        try get(db, .serverTime).flatMap { StoredTime.date($0) }
    }
}

/// Local settings by name, for the sync module and the county server (cursors, epoch, server address).
public enum LocalSettings {
    /// The value of `key`, if set.
    public static func get(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
    }

    /// Sets (or with nil, removes) `key`.
    public static func set(_ db: Database, _ key: String, _ value: String?) throws {
        if let value {
            try db.execute(
                sql:
                    "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
        }
    }

    /// Records the county server's time seen at a sync, keeping the latest.
    public static func sawServerTime(_ db: Database, _ time: Date) throws {
        let known = try Setting.serverTime(db)
        if known.map({ $0 < time }) ?? true { try Setting.set(db, .serverTime, StoredTime.utcText(time)) }
    }

    /// Moves this site's clock past `remote` (a clock seen in a received change), so that its next write orders
    /// after everything it has seen.
    public static func observe(_ db: Database, remote: HLC, now: Int64) throws {
        let current = HLC(raw: try get(db, "hlc").flatMap { Int64($0) } ?? 0)
        if remote > current { try set(db, "hlc", String(current.receive(remote, now: now).raw)) }
    }
}
