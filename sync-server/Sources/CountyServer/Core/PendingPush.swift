import Foundation
import RegistryCore
import RegistrySync

/// A push that passed the checks needing no database, waiting for a store's writer: its numbering holds together, no
/// change is clocked ahead of the server beyond the allowed skew, and each change is prepared for the merge
/// (`MergeDecision.Prepared`, its columns' rules checked) on the caller's thread rather than on the single writer.
/// Either a village's push (numbered by its changes' `origin_seq`) or a region's relay (numbered by the sender's log
/// sequence, `RelayWire`).
public struct PendingPush: Sendable {
    /// The key of the sender's cursor in `site_cursor`: a village laptop's site, or a relaying server's site and epoch.
    let site: String
    let after: Int64
    let through: Int64
    /// The village of the token, or for a relay the region's code.
    let village: String
    let tokenID: String
    let prepared: [MergeDecision.Prepared]
    /// The sender's number of each prepared change, which moves its cursor and names a rejection.
    let numbers: [Int64]
    let relays: Bool
    /// A relay's report receipts inside the sending region (others are not its to give).
    let receipts: [RelayWire.Receipt]
    let at: Date
    /// The rows and persons deciding it reads (`keys(_:)`), and whether it deletes a row about a person (deciding
    /// that follows stored rows to their person): made here, on the caller's thread, for the writer's group commit.
    let keys: Set<String>
    let deletesAboutPersons: Bool

    init(_ request: Wire.PushRequest, village: String, tokenID: String, maxSkew: TimeInterval, now: Date) throws {
        if let problem = Self.numberingProblem(request) { throw PushRefusal.malformed(problem) }
        let limit = HLC(milliseconds: Int64((now.timeIntervalSince1970 + maxSkew) * 1000), counter: 0xFFFF)
        if let ahead = request.changes.map({ HLC(raw: $0.hlc) }).max(), ahead > limit {
            throw PushRefusal.clockAhead(
                minutes: Int((Double(ahead.milliseconds) / 1000 - now.timeIntervalSince1970) / 60))
        }
        site = request.site
        after = request.after
        through = request.through
        self.village = village
        self.tokenID = tokenID
        // The latest day anything pushed can have happened on: the county's today, at the far end of the skew allowed.
        let latest = RegistryClock.fixed(now.addingTimeInterval(maxSkew)).today
        prepared = request.changes.map { MergeDecision.Prepared($0, checkRules: true, latestDay: latest) }
        numbers = request.changes.map(\.originSeq)
        relays = false
        receipts = []
        at = now
        keys = Self.keys(prepared)
        deletesAboutPersons = !KnownRows.deletionsAboutPersons(prepared.map(\.change)).isEmpty
    }

    /// A region's relay to this server (`receiver`). An entry clocked ahead is rejected alone rather than refusing the
    /// push: the region cannot restamp a village's change, and its queue must flow.
    init(
        relay request: RelayWire.PushRequest, region: String, tokenID: String, receiver: CountySettings,
        maxSkew: TimeInterval, now: Date
    ) throws {
        if let problem = RelayWire.numberingProblem(request) { throw PushRefusal.malformed(problem) }
        let limit = HLC(milliseconds: Int64((now.timeIntervalSince1970 + maxSkew) * 1000), counter: 0xFFFF)
        site = "\(request.site)@\(request.epoch)"
        after = request.after
        through = request.through
        village = region
        self.tokenID = tokenID
        let latest = RegistryClock.fixed(now.addingTimeInterval(maxSkew)).today
        prepared = request.entries.map {
            MergeDecision.Prepared(
                $0.change, checkRules: true, scope: $0.scope,
                relayProblem: RelayRules.problem($0, region: region, receiver: receiver, latest: limit), masked: true,
                latestDay: latest)
        }
        numbers = request.entries.map(\.seq)
        relays = true
        receipts = request.receipts.filter { RegionLevel.of(region).contains($0.village, region: region) }
        at = now
        keys = Self.keys(prepared)
        deletesAboutPersons = !KnownRows.deletionsAboutPersons(prepared.map(\.change)).isEmpty
    }

    /// The changes that follow on from `cursor` (a replayed push's earlier ones are skipped), with their numbers.
    func fresh(after cursor: Int64) -> (prepared: [MergeDecision.Prepared], numbers: [Int64]) {
        let keep = numbers.indices.filter { numbers[$0] > cursor && numbers[$0] <= through }
        return (keep.map { prepared[$0] }, keep.map { numbers[$0] })
    }

    /// The scopes whose rows `fresh` may touch, to look them up in: a village's own and, of the county's, leads'
    /// outcomes; for a relay, the scopes its entries carry (rows never change scope, so a row held under another is
    /// found by the id probe and refused).
    func scopes(county: String, _ fresh: [MergeDecision.Prepared]) -> [String] {
        relays ? Array(Set(fresh.compactMap(\.scope))).sorted() : [village, county]
    }

    /// `pushes` cut, in order, into runs that may each be decided together, every push of a run against the database
    /// as it was before the run: within a run no two pushes come from one site, touch one row, or one touches a
    /// person another names (`person_id`); a push deleting a row about a person (whose lookups follow stored rows to
    /// their person) runs alone. Then no push's decision depends on another's writes in its run, and deciding the run
    /// one push after the other would decide the same. At 17:00 a group is one run: villages write their own rows.
    static func runs(_ pushes: [PendingPush]) -> [ArraySlice<PendingPush>] {
        var runs: [ArraySlice<PendingPush>] = []
        var start = pushes.startIndex
        var sites: Set<String> = []
        var keys: Set<String> = []
        for (index, push) in zip(pushes.indices, pushes) {
            let own = push.keys
            let alone = push.deletesAboutPersons
            if index > start && (alone || sites.contains(push.site) || !keys.isDisjoint(with: own)) {
                runs.append(pushes[start..<index])
                start = index
                sites = []
                keys = []
            }
            sites.insert(push.site)
            keys.formUnion(own)
            if alone {
                runs.append(pushes[index...index])
                start = index + 1
                sites = []
                keys = []
            }
        }
        if start < pushes.endIndex { runs.append(pushes[start...]) }
        return runs
    }

    /// What deciding this push reads: each row it touches (`table` NUL `id`) and each person it names (`person`
    /// NUL `person_id`), a person's own row being the same key.
    static func keys(_ prepared: [MergeDecision.Prepared]) -> Set<String> {
        var keys: Set<String> = []
        for item in prepared {
            keys.insert(item.change.table + "\u{0}" + item.change.pk)
            if let person = item.change.columns.values["person_id"]?.stringValue {
                keys.insert(Person.databaseTableName + "\u{0}" + person)
            }
        }
        return keys
    }

    /// Whether any change may make a contact in another village visible.
    var tracesContacts: Bool { prepared.contains { SyncScope.contactTracingTables.contains($0.change.table) } }

    /// The sender's rejections of `plan`, decided over `numbers`' changes.
    static func rejections(_ plan: MergePlan, numbers: [Int64]) -> [Wire.Rejection] {
        plan.rejections.map { Wire.Rejection(originSeq: numbers[$0.index], reason: $0.reason) }
    }

    /// Why a push's numbering does not hold together, or nil: the site is a plain identifier, `after` is not
    /// negative, the changes' `origin_seq` rise strictly within (`after`, `through`], and `through` is the last
    /// change sent or set aside (`withheld`). An acknowledgement covers only what was sent, so a push cannot move a
    /// site's cursor past changes the county never received.
    static func numberingProblem(_ request: Wire.PushRequest) -> Localized? {
        guard ColumnRule.isIdentifier(request.site) else {
            return Localized(zh: "site 不是有效的站点编号", en: "site is not a valid site id")
        }
        return sequenceProblem(
            all: request.changes.map(\.originSeq) + request.withheld, rising: request.changes.map(\.originSeq),
            name: "origin_seq", after: request.after, through: request.through)
    }

    /// Why a batch's numbers (`name`: a village's `origin_seq`, a relay's `seq`) do not follow on from `after` up to
    /// `through`: `all` of them distinct and above `after`, the largest `through` (or none and `through == after`),
    /// and those the batch carries in order (`rising`) in rising order.
    static func sequenceProblem(all: [Int64], rising: [Int64], name: String, after: Int64, through: Int64) -> Localized?
    {
        guard after >= 0 else { return Localized(zh: "after 不能为负", en: "after must not be negative") }
        let numbers = all.sorted()
        guard numbers.count == Set(numbers).count else {
            return Localized(zh: "同一批中 \(name) 重复", en: "a \(name) appears twice in the batch")
        }
        guard rising == rising.sorted() else {
            return Localized(zh: "\(name) 应按顺序递增", en: "\(name) must rise through the batch")
        }
        if let first = numbers.first, first <= after {
            return Localized(zh: "\(name) 应大于 after", en: "every \(name) must be above after")
        }
        guard through == (numbers.last ?? after) else {
            return Localized(
                zh: "through 应等于本批最后一条的 \(name)", en: "through must be the \(name) of the batch's last entry")
        }
        return nil
    }
}
