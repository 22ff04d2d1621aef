import Foundation
import GRDB
import RegistryCore

/// When the county last heard from each village, and the officer's settings, on SQLite.
extension CountyDatabase {
    public func noteContact(village: String, via: String) async throws {
        let now = clock.now()
        guard contacts.shouldWrite(village, now: now) else { return }
        let at = clock.isoText(now)
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO village_seen (village, last_contact, via) VALUES (?, ?, ?)
                    ON CONFLICT (village) DO UPDATE SET last_contact = excluded.last_contact, via = excluded.via
                    """, arguments: [village, at, via])
        }
    }

    public func lastContacts() async throws -> [String: VillageContact] {
        try await writer.read { db in
            var contacts: [String: VillageContact] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT village, last_contact, via FROM village_seen") {
                contacts[row["village"]] = VillageContact(
                    village: row["village"], at: row["last_contact"], via: row["via"])
            }
            return contacts
        }
    }

    public func noteFirstSeen(_ sightings: [FirstSeen: [String]]) async throws {
        guard sightings.values.contains(where: { !$0.isEmpty }) else { return }
        let at = clock.isoText(clock.now())
        try await writer.write { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO first_seen (kind, key, at) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING")
            for (kind, keys) in sightings {
                for key in Set(keys) { try insert.execute(arguments: [kind.rawValue, key, at]) }
            }
        }
    }

    public func firstSeen(_ kind: FirstSeen, keys: [String]) async throws -> [String: String] {
        let keys = Array(Set(keys))
        return try await writer.read { db in
            var seen: [String: String] = [:]
            for row in try db.rows(
                forKeys: keys, leading: [kind.rawValue],
                { "SELECT key, at FROM first_seen WHERE kind = ? AND key IN (\($0))" })
            {
                seen[row["key"]] = row["at"]
            }
            return seen
        }
    }

    public func keepVillageStatusRecord(_ record: DiseaseFree.Record) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO village_status_record (village, action, by_name, reason, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.village, record.action, record.by, record.reason, record.at])
        }
    }

    public func villageStatusRecords() async throws -> [DiseaseFree.Record] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT village, action, by_name, reason, at FROM village_status_record ORDER BY seq"
            ).map {
                DiseaseFree.Record(
                    village: $0["village"], action: $0["action"], by: $0["by_name"], reason: $0["reason"], at: $0["at"])
            }
        }
    }

    public func value(of key: CountySetting) async throws -> String? {
        try await writer.read { try Self.setting($0, key) } ?? key.defaultValue
    }

    public func set(_ key: CountySetting, to text: String) async throws {
        let value = try key.checked(text)
        try await writer.write { db in
            _ = try CountyDatabase.settings(db)
            try Self.setSetting(db, key, value)
        }
    }
}
