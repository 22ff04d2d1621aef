import Foundation
import PostgresNIO
import RegistryCore

extension PostgresStore {
    public func villageContacts() async throws -> [String: String] {
        var contacts: [String: String] = [:]
        for try await (code, contact) in try await client.query(
            "SELECT code, contact FROM village_contact", logger: logger
        ).decode((String, String).self) {
            contacts[code] = contact
        }
        return contacts
    }

    public func setVillageContacts(_ contacts: [String: String]) async throws {
        try await transaction { connection in
            for (code, contact) in contacts {
                var binds = PostgresBindings()
                binds.append(code)
                binds.append(contact)
                try await connection.query(
                    .sql(
                        "INSERT INTO village_contact (code, contact) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET contact = excluded.contact",
                        binds), logger: logger)
            }
        }
    }
}
