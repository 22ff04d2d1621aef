import Foundation
@testable import CountyServer
import RegistryCore

/// Direct access to a county database file for what has no command yet.
struct CountyDatabaseAccess {
    let database: CountyDatabase

    static func open(_ path: String) throws -> CountyDatabaseAccess {
        CountyDatabaseAccess(database: try CountyDatabase.open(path: path, clock: RegistryClock(now: { Date() })))
    }

    func addLead(id: String, village: String, name: String, idNumber: String) throws {
        try database.write { _, recorder, _ in
            try recorder.insert(Lead(id: id, village: village, name: name, idNumber: idNumber, phone: nil, fromCode: "420102",
                                     fromName: "江岸区", reason: "大数据推送", deadline: Day("2022-07-06")!))
        }
    }
}
