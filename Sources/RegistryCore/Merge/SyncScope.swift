/// Who may write a synced table's rows, declared with each record type (`SyncedRecord.scope`): the merge
/// decision (`MergeDecision`) reads these instead of lists of table names kept elsewhere.
public enum SyncScope: Sendable, Equatable {
    /// Rows a village writes: each carries the village's code, and only that village may change it.
    /// `deletedWithPerson`: the row describes a person (a trip, a measure, a test) and is deleted only together with
    /// the person, as the village CLI does it; one deleted alone would vanish from the county's list of deletions.
    /// `tracesContacts`: a change may make a contact in another village visible (a positive result, a new link).
    case village(deletedWithPerson: Bool, tracesContacts: Bool)
    /// Rows the county publishes. Of the rows addressed to a village, that village may write only
    /// `villageColumns` (a lead's outcome); none for tables published whole (risk areas, policies, the roster).
    case county(villageColumns: Set<String>)

    /// The scope of `table`, nil for a table sync does not carry.
    public static func of(_ table: String) -> SyncScope? { byTable[table] }

    private static let byTable: [String: SyncScope] = Dictionary(
        uniqueKeysWithValues: SyncedTables.all.map { ($0.databaseTableName, $0.scope) })

    /// Whether villages write this table's rows.
    public var isVillage: Bool {
        if case .village = self { return true }
        return false
    }

    /// The tables whose changes may make a contact in another village visible: a test, a link, and a person
    /// registered after someone named them (the county traces only around what the push wrote, so this is cheap).
    public static let contactTracingTables: Set<String> = Set(
        byTable.compactMap { table, scope in
            if case .village(_, true) = scope { return table }
            return nil
        })
}

extension Person { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: true) }
extension Arrival { public static let scope = SyncScope.village(deletedWithPerson: true, tracesContacts: false) }
extension Measure { public static let scope = SyncScope.village(deletedWithPerson: true, tracesContacts: false) }
extension MeasureEvent { public static let scope = SyncScope.village(deletedWithPerson: true, tracesContacts: false) }
extension LabTest { public static let scope = SyncScope.village(deletedWithPerson: true, tracesContacts: true) }
extension HealthCheck { public static let scope = SyncScope.village(deletedWithPerson: true, tracesContacts: false) }
/// A daily report is never deleted, only revised (its column rules refuse `deleted`).
extension DailyReport { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: false) }
/// A contact link is deleted with a reason of its own (its column rules ask for one).
extension Contact { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: true) }
/// The household register and its sweeps: the village's own rows, deleted on their own.
extension Household { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: false) }
extension SweepRound { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: false) }
extension SweepVisit { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: false) }
/// Who is responsible for a person: removed on its own (another cadre takes over).
extension Responsible { public static let scope = SyncScope.village(deletedWithPerson: false, tracesContacts: false) }
/// A county's order to sweep: published to the village it names, which never writes it.
extension SweepOrder { public static let scope = SyncScope.county(villageColumns: []) }
extension Lead { public static let scope = SyncScope.county(villageColumns: ["outcome", "outcome_on", "person_id"]) }
extension RiskArea { public static let scope = SyncScope.county(villageColumns: []) }
extension PolicyRecord { public static let scope = SyncScope.county(villageColumns: []) }
extension VillageEntry { public static let scope = SyncScope.county(villageColumns: []) }
