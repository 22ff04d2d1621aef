import Foundation
import RegistryCore

@testable import CountyServer

/// Writes a lead with a chosen id as the county would (its own site, logged), on either store.
func addLead(_ db: String, id: String, village: String, name: String, idNumber: String) async throws {
    let store = try await openStore(db, clock: RegistryClock(now: { Date() }))
    do {
        try await store.writing { database in
            try database.write { _, recorder, _ in
                try recorder.insert(
                    Lead(
                        id: id, village: village, name: name, idNumber: idNumber, phone: nil, fromCode: "420102",
                        fromName: "江岸区", reason: "大数据推送", deadline: Day("2022-07-06")!))
            }
        }
    } catch {
        await store.close()
        throw error
    }
    await store.close()
}
