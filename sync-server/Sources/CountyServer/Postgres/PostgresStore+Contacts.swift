import Foundation
import PostgresNIO
import RegistryCore

/// When the county last heard from each village, and the officer's settings, on PostgreSQL.
extension PostgresStore {
    public func noteContact(village: String, via: String) async throws {
        let now = clock.now()
        guard contacts.shouldWrite(village, now: now) else { return }
        var binds = PostgresBindings()
        binds.append(village)
        binds.append(clock.isoText(now))
        binds.append(via)
        try await client.query(
            .sql(
                """
                INSERT INTO village_seen (village, last_contact, via) VALUES ($1, $2, $3)
                ON CONFLICT (village) DO UPDATE SET last_contact = excluded.last_contact, via = excluded.via
                """, binds), logger: logger)
    }

    public func lastContacts() async throws -> [String: VillageContact] {
        var contacts: [String: VillageContact] = [:]
        for try await (village, at, via) in try await client.query(
            "SELECT village, last_contact, via FROM village_seen", logger: logger
        ).decode((String, String, String).self) {
            contacts[village] = VillageContact(village: village, at: at, via: via)
        }
        return contacts
    }

    public func noteFirstSeen(_ sightings: [FirstSeen: [String]]) async throws {
        guard sightings.values.contains(where: { !$0.isEmpty }) else { return }
        let at = clock.isoText(clock.now())
        try await transaction { connection in
            // One statement per kind, its keys as one array: not a round trip per key.
            for (kind, keys) in sightings where !keys.isEmpty {
                var binds = PostgresBindings()
                binds.append(kind.rawValue)
                binds.append(Array(Set(keys)))
                binds.append(at)
                try await connection.query(
                    .sql(
                        """
                        INSERT INTO first_seen (kind, key, at) SELECT $1, k, $3 FROM unnest($2::text[]) AS k
                        ON CONFLICT (kind, key) DO NOTHING
                        """, binds), logger: logger)
            }
        }
    }

    public func firstSeen(_ kind: FirstSeen, keys: [String]) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(kind.rawValue)
        binds.append(Array(Set(keys)))
        var seen: [String: String] = [:]
        for try await (key, at) in try await client.query(
            .sql("SELECT key, at FROM first_seen WHERE kind = $1 AND key = ANY($2)", binds), logger: logger
        ).decode((String, String).self) {
            seen[key] = at
        }
        return seen
    }

    public func keepVillageStatusRecord(_ record: DiseaseFree.Record) async throws {
        var binds = PostgresBindings()
        binds.append(record.village)
        binds.append(record.action)
        binds.append(record.by)
        binds.append(record.reason)
        binds.append(record.at)
        try await client.query(
            .sql(
                "INSERT INTO village_status_record (village, action, by_name, reason, at) VALUES ($1, $2, $3, $4, $5)",
                binds), logger: logger)
    }

    public func villageStatusRecords() async throws -> [DiseaseFree.Record] {
        var records: [DiseaseFree.Record] = []
        for try await (village, action, by, reason, at) in try await client.query(
            "SELECT village, action, by_name, reason, at FROM village_status_record ORDER BY seq", logger: logger
        ).decode((String, String, String, String?, String).self) {
            records.append(DiseaseFree.Record(village: village, action: action, by: by, reason: reason, at: at))
        }
        return records
    }

    public func value(of key: CountySetting) async throws -> String? {
        try await setting(key) ?? key.defaultValue
    }

    public func set(_ key: CountySetting, to text: String) async throws {
        let value = try key.checked(text)
        _ = try await settings()
        try await transaction { connection in try await setSetting(key, value, on: connection) }
    }
}
