import Foundation
import RegistryCore
import RegistrySync

/// Where a county keeps its state: the HTTP layer and the administration commands talk to this, never to a
/// database. Two stores: SQLite (`CountyDatabase`, the embedded default) and PostgreSQL (`PostgresStore`, for a
/// county or city whose IT runs PostgreSQL, and for several server processes over one database).
///
/// The sync path (tokens, pushes, pulls, cursors, settings) is each store's own code around the one merge
/// decision (`MergeDecision`). The county's reads and writes of the registry's rows (the merge run, the dashboard,
/// imports, person edits, contact leads) are `CountyDatabase` operations: the SQLite store runs them on itself; the
/// PostgreSQL store runs them on a local replica that follows its change log, and sends what a write logged back
/// through the same merge (see `PostgresStore+Replica.swift`). So no query of the county's is written twice.
public protocol CountyStore: Sendable {
    var clock: RegistryClock { get }

    /// The county's identity and sync settings; refuses an uninitialised store.
    func settings() async throws -> CountySettings
    /// Sets up the server for a county, city or province (its code and name; a site id and an epoch the first time).
    func initialize(region: String, level: RegionLevel, name: String) async throws -> CountySettings
    /// Starts a new epoch after a restore: villages then pull from scratch.
    func newEpoch() async throws -> String
    /// The report deadline, `HH:MM`.
    func deadline() async throws -> String
    func setDeadline(_ text: String) async throws

    /// Who to phone in each village (the roster's optional `contact` column), by village code. Kept at the county
    /// only, outside the synced tables.
    func villageContacts() async throws -> [String: String]
    /// Sets the contacts given (others stay).
    func setVillageContacts(_ contacts: [String: String]) async throws

    /// Lab results for persons registered nowhere (`LabResults.Kept`), kept at the county only: the same person and
    /// sample day again replaces the row (a lead village given later is kept).
    func keepUnmatchedResults(_ rows: [LabResults.Kept]) async throws
    /// Every kept result, newest sample first.
    func unmatchedResults() async throws -> [LabResults.Kept]

    /// A city's or province's roster of the regions below it (empty at a county).
    func regions() async throws -> [RegionEntry]
    /// Keeps regions already checked (`Regions.parse`): new codes added, known ones renamed or moved.
    func setRegions(_ entries: [RegionEntry]) async throws -> (added: Int, updated: Int)

    /// Notes that `village` was heard from now (`via`: `http` or `file`); written at most once every few minutes.
    func noteContact(village: String, via: String) async throws
    /// Notes that the county saw each kind done for its keys now, where it had not before (`FirstSeen`); one write.
    func noteFirstSeen(_ sightings: [FirstSeen: [String]]) async throws
    /// When the county first saw `kind` done for those of `keys` it saw, by key.
    func firstSeen(_ kind: FirstSeen, keys: [String]) async throws -> [String: String]
    /// Keeps a 无疫村 action (a review, a record, a revocation) as given.
    func keepVillageStatusRecord(_ record: DiseaseFree.Record) async throws
    /// Every 无疫村 action kept, oldest first.
    func villageStatusRecords() async throws -> [DiseaseFree.Record]
    /// When each village was last heard from, by village code.
    func lastContacts() async throws -> [String: VillageContact]
    /// A setting an officer sets (`CountySetting.officerSettable`), or its default.
    func value(of key: CountySetting) async throws -> String?
    /// Sets one of `CountySetting.officerSettable`, checked (`CountySetting.checked`).
    func set(_ key: CountySetting, to text: String) async throws

    // MARK: Tokens

    func issueToken(village: String) async throws -> String
    func revokeTokens(village: String, token: String?) async throws -> Int
    func tokens() async throws -> [TokenLine]
    /// Who holds a token, if it is known and not revoked.
    func authenticate(_ token: String) async throws -> TokenHolder?
    /// The keys of a village's carried files: one per token it was ever issued, revoked ones marked (a file sealed
    /// with one is recognised, and refused as such).
    func carriedKeys(village: String) async throws -> [CarriedKey]

    // MARK: Sync

    func push(_ request: Wire.PushRequest, village: String, tokenID: String, maxSkew: TimeInterval) async throws
        -> Wire.PushResponse
    func pull(village: String, site: String?, after: Int64, limit: Int) async throws -> Wire.PullResponse
    /// The latest sequence number of the county's change log (0 when empty).
    func lastLogSeq() async throws -> Int64

    // MARK: Relay (a region's log to the server above, `RelayWire`)

    /// Applies a relay push from `region` (a region of this server's roster, whose token it came under).
    func relay(_ request: RelayWire.PushRequest, region: String, tokenID: String, maxSkew: TimeInterval) async throws
        -> Wire.PushResponse
    /// Where this server relays up, if it was linked (`sync-server upstream set`).
    func upstream() async throws -> Upstream?
    /// Links this server to the one above, or unlinks it (nil); the cursor starts again from the beginning when the
    /// server above changes.
    func setUpstream(_ upstream: Upstream?) async throws
    /// Moves the relay cursor to `cursor` and keeps the entries the server above rejected (in `sync_rejection`, by
    /// this server's log sequence), in one transaction.
    func advanceUpstream(to cursor: Int64, rejected: [Wire.Rejection], at: String) async throws
    /// This server's log entries after `after` that go up (`RelayPage`): at most `limit` entries and about `maxBytes`
    /// of columns.
    func relayPage(after: Int64, limit: Int, maxBytes: Int) async throws -> [RelayWire.Entry]
    /// The receipts of the daily reports `reportIDs` (when each revision first reached this server, or the county
    /// below that relayed it), which go up with them.
    func receipts(of reportIDs: [String]) async throws -> [RelayWire.Receipt]
    /// The entries the server above rejected, newest first.
    func relayRejections() async throws -> [Upstream.Rejection]
    /// What goes down to `region` after this server's sequence `after` (`RelayPage.downCondition`).
    func relayDown(region: String, after: Int64, limit: Int) async throws -> RelayWire.PullResponse
    /// Applies a page pulled from the server above (its rows are the upper level's: no sender's scope applies) and
    /// moves the pull cursor to `next` of `epoch`, in one transaction; returns how many entries were written.
    func applyFromAbove(_ entries: [RelayWire.Entry], next: Int64, epoch: String) async throws -> Int

    // MARK: The county's rows

    /// Runs a read of the county's rows (the merge run, the dashboard's series, a roster name).
    func reading<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T
    /// Runs a county write (an import, a person edit, contact leads); everything it writes is logged and synced.
    func writing<T: Sendable>(_ operation: @escaping @Sendable (CountyDatabase) throws -> T) async throws -> T

    /// Closes connections (a no-op for SQLite).
    func close() async
}

extension CountyStore {
    /// Sets up a county (the level every server was before cities and provinces).
    public func initialize(county: String, name: String) async throws -> CountySettings {
        try await initialize(region: county, level: .county, name: name)
    }

    /// The county summary for `day` (the merge run's figures).
    public func summary(on day: Day, maxSkew: TimeInterval = 600) async throws -> CountySummary {
        let deadline = try await deadline()
        var summary = try await reading { try $0.summary(on: day, deadline: deadline, maxSkew: maxSkew) }
        // A city or a province reads its regions first (`CountySummary.regions`).
        guard try await settings().level != .county else {
            try await addContacts(to: &summary)
            try await addClocks(to: &summary, on: day)
            return summary
        }
        return summary.grouped(by: try await regions())
    }

    /// Each village's last contact, and those gone quiet: not heard from for more than `quiet_hours` by the
    /// county's clock now, or never.
    func addContacts(to summary: inout CountySummary) async throws {
        let contacts = try await lastContacts()
        let hours = Int(try await value(of: .quietHours) ?? "") ?? 24
        let now = clock.now()
        let iso = ISO8601DateFormatter()
        summary.quiet_hours = hours
        var quiet: [(since: Date, line: CountySummary.QuietVillage)] = []
        for index in summary.villages.indices {
            let line = summary.villages[index]
            let contact = contacts[line.village]
            summary.villages[index].last_contact = contact?.at
            let since = contact.flatMap { iso.date(from: $0.at) } ?? .distantPast
            if now.timeIntervalSince(since) > Double(hours) * 3600 {
                quiet.append(
                    (
                        since,
                        CountySummary.QuietVillage(
                            village: line.village, name: line.name, township_name: line.township_name,
                            last_contact: contact?.at, via: contact?.via)
                    ))
            }
        }
        summary.quiet = quiet.sorted { ($0.since, $0.line.village) < ($1.since, $1.line.village) }.map(\.line)
    }

    /// The clocks on leads and on positives (`StageClocks`) as they stood at the end of `day`, or now when `day` is
    /// today: leads issued by then, positives sampled in the 14 days to `day`.
    func addClocks(to summary: inout CountySummary, on day: Day) async throws {
        var limits: [String: Int] = [:]
        for (name, key) in [
            ("receive_hours", CountySetting.leadReceiveHours), ("found_hours", .leadFoundHours),
            ("measure_hours", .leadMeasureHours), ("escalate_hours", .positiveEscalateHours),
            ("contacts_hours", .positiveContactsHours),
        ] {
            limits[name] = Int(try await value(of: key) ?? "") ?? Int(key.defaultValue ?? "") ?? 24
        }
        let site = try await settings().site
        let (leads, positives) = try await reading {
            (try $0.leadsForClocks(), try $0.positivesForClocks(since: day.adding(days: -13), through: day, site: site))
        }
        // Only the keys the clocks ask about: the table holds a row per person ever put under a measure.
        let leadIDs = leads.map(\.id)
        let persons = leads.compactMap(\.person) + positives.flatMap { [$0.person] + $0.contacts }
        var seen: [FirstSeen: [String: String]] = [:]
        seen[.leadReceived] = try await firstSeen(.leadReceived, keys: leadIDs)
        seen[.leadOutcome] = try await firstSeen(.leadOutcome, keys: leadIDs)
        seen[.personMeasured] = try await firstSeen(.personMeasured, keys: persons)
        seen[.personEscalated] = try await firstSeen(.personEscalated, keys: positives.map(\.person))
        seen[.positiveResult] = try await firstSeen(.positiveResult, keys: positives.map(\.test))
        let endOfDay = clock.instant(day.adding(days: 1), hour: 0, minute: 0)
        let now = min(clock.now(), endOfDay)
        let villages = Dictionary(
            summary.villages.map {
                ($0.village, (name: $0.name, township: $0.township_code, townshipName: $0.township_name))
            }, uniquingKeysWith: { a, _ in a })
        func only(_ names: [String]) -> [String: Int] { limits.filter { names.contains($0.key) } }
        summary.lead_clocks = StageClocks.leads(
            leads.filter { $0.issued < endOfDay }, seen: seen,
            limits: only(["receive_hours", "found_hours", "measure_hours"]), now: now, villages: villages)
        summary.positive_clocks = StageClocks.positives(
            positives, seen: seen, limits: only(["escalate_hours", "contacts_hours"]), now: now, villages: villages)
    }

    /// One village's line of the summary for `day` and its deletions that day (the village's dashboard page).
    public func summaryLine(_ village: String, on day: Day, maxSkew: TimeInterval = 600) async throws
        -> (line: CountySummary.VillageLine, deletions: [CountySummary.Deletion])?
    {
        let deadline = try await deadline()
        return try await reading { try $0.summaryLine(village, on: day, deadline: deadline, maxSkew: maxSkew) }
    }

    /// County totals for each of the `days` days up to `day`.
    public func series(to day: Day, days: Int = 14) async throws -> [DayTotals] {
        try await reading { try $0.series(to: day, days: days) }
    }

    /// The roster name of `village`, if it is on the roster.
    public func villageName(_ village: String) async throws -> String? {
        try await reading { try $0.villageName(village) }
    }
}
