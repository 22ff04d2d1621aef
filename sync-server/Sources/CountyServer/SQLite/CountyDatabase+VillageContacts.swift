import Foundation
import GRDB
import RegistryCore

extension CountyDatabase {
    public func villageContacts() throws -> [String: String] {
        try writer.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT code, contact FROM village_contact").map {
                    ($0["code"], $0["contact"])
                },
                uniquingKeysWith: { a, _ in a })
        }
    }

    public func setVillageContacts(_ contacts: [String: String]) throws {
        try writer.write { db in
            for (code, contact) in contacts {
                try db.execute(
                    sql:
                        "INSERT INTO village_contact (code, contact) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET contact = excluded.contact",
                    arguments: [code, contact])
            }
        }
    }
}
