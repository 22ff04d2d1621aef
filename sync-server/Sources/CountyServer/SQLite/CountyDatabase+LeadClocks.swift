import Foundation
import GRDB
import RegistryCore

/// What the clocks on leads read of the county's rows (`LeadClocks`).
extension CountyDatabase {
    /// Every lead not deleted, with its issue: its first entry in the county's log, stamped by the clock of the server
    /// that wrote it (this county's, or the city's that sent it down).
    public func leadsForClocks() throws -> [LeadClocks.Lead] {
        try writer.read { db in
            var issued: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT pk, min(hlc) AS hlc FROM change_log WHERE tbl = 'lead' GROUP BY pk")
            {
                issued[row["pk"]] = row["hlc"]
            }
            return try Lead.filter(Lead.Columns.deleted == false).fetchAll(db).compactMap { lead in
                issued[lead.id].map {
                    LeadClocks.Lead(
                        id: lead.id, village: lead.village, name: lead.name,
                        issued: Date(timeIntervalSince1970: Double(HLC(raw: $0).milliseconds) / 1000),
                        outcome: lead.outcome?.rawValue, person: lead.personId)
                }
            }
        }
    }

    /// The persons of the measures `ids`.
    public func persons(ofMeasures ids: [String]) throws -> [String] {
        try writer.read { db in
            try Measure.filter(ids.contains(Measure.Columns.id)).fetchAll(db).map(\.personId)
        }
    }
}
