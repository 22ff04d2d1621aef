import GRDB

/// A row that travels between sites: a text UUID key, the village it belongs to, and a `deleted` flag that
/// merges like any other column. Every write of one goes through `ChangeRecorder`, which logs it.
public protocol SyncedRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    /// The time-ordered UUID key.
    var id: String { get }
    /// The village (12 digits) or, for a county's own rows, the county (6 digits) the row belongs to.
    var village: String { get }
    /// Whether the row has been deleted (a tombstone that can be restored).
    var deleted: Bool { get set }
    /// Who may write the table's rows (declared in `SyncScope.swift`, one line per record type).
    static var scope: SyncScope { get }
}

/// Every synced table, by name, with its record type: what the change log, sync and the schema check walk.
public enum SyncedTables {
    /// The record types, in an order where parents come before children.
    public static let all: [any SyncedRecord.Type] = [
        Person.self, Arrival.self, Measure.self, MeasureEvent.self, LabTest.self, HealthCheck.self,
        RiskArea.self, PolicyRecord.self, Lead.self, DailyReport.self, VillageEntry.self, Contact.self,
        Household.self, SweepRound.self, SweepVisit.self, SweepOrder.self, Responsible.self,
    ]

    /// The synced table names, in the order of `all`.
    public static let names: [String] = all.map { $0.databaseTableName }
    /// The same, for membership checks on every applied change.
    public static let nameSet: Set<String> = Set(names)
    /// The tables the county publishes whole (a village never writes them at the county): risk areas, policies, the
    /// roster. A village's own rows in them (a risk-area list imported before it was linked) stay local.
    public static let countyPublished: [String] = [
        RiskArea.databaseTableName, PolicyRecord.databaseTableName,
        VillageEntry.databaseTableName,
    ]
}

extension Day: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Day? {
        String.fromDatabaseValue(dbValue).flatMap(Day.init)
    }
}
