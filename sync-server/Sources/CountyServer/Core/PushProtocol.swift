import Foundation
import RegistryCore
import RegistrySync

/// Where a sender stands at this server: the row of `site_cursor` for its site.
public struct SiteCursor: Sendable, Equatable {
    /// The village (or, for a relay, the region) the site belongs to: the first to push from it.
    public var village: String
    /// The sender's last number applied here (a village's `origin_seq`, a relay's log `seq`).
    public var lastSeq: Int64
    /// The token the site is bound to: the first it pushed under (nil for sites older than binding).
    public var tokenID: String?
}

/// The sync protocol's decisions for one push, store-agnostic. A store (`CountyDatabase`, `PostgresStore`) reads
/// what a step asks for and writes what it answers, inside one write transaction; every refusal and its order, the
/// numbering, the scope, the merge, the receipts and the cursor are decided here, so the two stores cannot drift
/// apart (they once did: the PostgreSQL pull and the SQLite pull skipped a village's own changes differently).
///
/// The steps, in order:
/// 1. `tokenToCheck`: which token's revocation the store must look up before admitting (at most one lookup, and
///    only when the site is bound to another token).
/// 2. `admit`: refuses (`PushRefusal`) or says which changes follow on from the cursor and where to look their rows
///    up (`Admission`).
/// 3. The store loads `KnownRows` for the admission and asks `MergeDecision.decide(admission.fresh, known:,
///    sender: admission.sender)` for the plan, and carries it out.
/// 4. `conclude`: what the push writes beside its rows (receipts, the cursor) and its answer.
enum PushProtocol {
    /// A push admitted: the changes after the site's cursor and how to decide them.
    struct Admission: Sendable {
        /// The site's cursor before this push (0 for a new site).
        let cursor: Int64
        let fresh: [MergeDecision.Prepared]
        /// The sender's number of each of `fresh`.
        let numbers: [Int64]
        /// The scopes whose rows `fresh` may touch (`PendingPush.scopes`).
        let scopes: [String]
        let sender: MergeDecision.Sender

        /// Where a SQLite store looks `fresh` up: a relay's changes each in the scope its entry carries, a village's
        /// among its own scope and the county's (see `KnownRows.Scopes`).
        var lookup: KnownRows.Scopes {
            sender.relays ? .own(fresh.map { $0.scope ?? "" }) : .among(scopes)
        }
    }

    /// What a push writes beside its plan's rows, and what it answers.
    struct Conclusion: Sendable {
        /// Daily reports written by a village's own push: each one's receipt (revision, received now) is kept unless
        /// that revision already has one.
        let receiptReports: [String]
        /// A region's receipts to keep, each only where this server holds that village's report of that date.
        let relayReceipts: [RelayWire.Receipt]
        /// The site's cursor after the push.
        let cursor: SiteCursor
        /// When the push was applied, as the county's clock says (`site_cursor.updated_at`, receipts).
        let at: Date
        /// The newest clock among the changes written, for the server's own clock to move past (`.zero`: none).
        let newest: HLC
        let response: Wire.PushResponse
    }

    /// The token the store must know the revocation of before `admit`: the site's bound token, when a village's push
    /// comes under another one (a village whose token leaked gets a new one, and its laptop keeps its site).
    static func tokenToCheck(_ push: PendingPush, cursor: SiteCursor?) -> String? {
        guard !push.relays, let bound = cursor?.tokenID, bound != push.tokenID else { return nil }
        return bound
    }

    /// Admits `push` or refuses it, in this order: a site of another village (`wrongVillage`); the county's own site
    /// or one of its relays (`foreignSite`); a site bound to another token that is not revoked (`foreignSite`); a
    /// batch that does not follow on from the cursor (`gap`). A replay (everything at or below the cursor) is
    /// admitted with nothing fresh, and answered with the cursor as it stands.
    static func admit(
        _ push: PendingPush, cursor: SiteCursor?, county: String, countySite: String, boundTokenRevoked: Bool
    ) throws -> Admission {
        if let owner = cursor?.village, owner != push.village { throw PushRefusal.wrongVillage }
        if push.site == countySite || push.site.hasPrefix(countySite + "@") { throw PushRefusal.foreignSite }
        if tokenToCheck(push, cursor: cursor) != nil, !boundTokenRevoked { throw PushRefusal.foreignSite }
        let last = cursor?.lastSeq ?? 0
        if push.after > last { throw PushRefusal.gap(expected: last) }
        let (fresh, numbers) = push.fresh(after: last)
        return Admission(
            cursor: last, fresh: fresh, numbers: numbers, scopes: push.scopes(county: county, fresh),
            sender: MergeDecision.Sender(site: push.site, village: push.village, relays: push.relays))
    }

    /// What `push`, admitted as `admission` and decided as `plan`, writes beside its rows and answers. The cursor
    /// never moves back (a replay of an older batch leaves it where it is).
    static func conclude(_ push: PendingPush, _ admission: Admission, plan: MergePlan) -> Conclusion {
        let through = max(admission.cursor, push.through)
        let reports =
            push.relays
            ? [] : plan.writes.filter { $0.change.table == DailyReport.databaseTableName }.map(\.change.pk)
        return Conclusion(
            receiptReports: reports, relayReceipts: push.receipts,
            cursor: SiteCursor(village: push.village, lastSeq: through, tokenID: push.tokenID), at: push.at,
            newest: plan.newest,
            response: Wire.PushResponse(
                ackedThrough: through, rejected: PendingPush.rejections(plan, numbers: admission.numbers),
                serverTime: StoredTime.utcText(push.at)))
    }
}

/// The sync protocol's pull, store-agnostic: which scopes a village reads and how a page of the log becomes the
/// answer. A store reads the log (`seq > after` in `scopes`, in order, at most `limit` entries) and hands it here.
enum PullProtocol {
    /// The scopes a village pulls: its own rows (edited by the county or another of its devices), the county's
    /// published rows, and those its city and province sent down for all.
    static func scopes(village: String, county: String) -> [String] {
        [village, county] + RelayPage.ancestors(of: county)
    }

    /// The answer for a page of log entries (`seq`, change) read after `after` with `limit`: a village's own site's
    /// changes are left out (it has them) but the cursor moves past them; `more` when the page was full.
    static func response(
        _ entries: [(seq: Int64, change: Change)], site: String?, after: Int64, limit: Int, epoch: String
    ) -> Wire.PullResponse {
        Wire.PullResponse(
            epoch: epoch, changes: entries.map(\.change).filter { site == nil || $0.origin != site },
            next: entries.last?.seq ?? after, more: entries.count == limit)
    }
}

/// The relay's decisions, store-agnostic: a page from the server above, and a page down to a region below.
enum RelayProtocol {
    /// A page pulled from the server above, prepared for the merge: its rows are the upper level's, so no sender's
    /// scope applies (`MergeDecision.decide(…, sender: nil)`); looked up in the scopes its entries carry.
    static func fromAbove(_ entries: [RelayWire.Entry]) -> (prepared: [MergeDecision.Prepared], scopes: [String]) {
        (entries.map { MergeDecision.Prepared($0.change, scope: $0.scope) }, Array(Set(entries.map(\.scope))).sorted())
    }

    /// The settings a page from above moves, in the transaction that applies it.
    static func pulledSettings(next: Int64, epoch: String) -> [(CountySetting, String?)] {
        [(.upstreamPulled, String(next)), (.upstreamEpoch, epoch)]
    }

    /// The answer to a region pulling down: the entries read after `after` with `limit`.
    static func downResponse(_ entries: [RelayWire.Entry], after: Int64, limit: Int, epoch: String)
        -> RelayWire.PullResponse
    {
        RelayWire.PullResponse(
            epoch: epoch, entries: entries, next: entries.last?.seq ?? after, more: entries.count == limit)
    }

    /// How a rejection by the server above is kept beside the entry (`sync_rejection.reason`).
    static func rejectionText(_ rejection: Wire.Rejection) -> String { "\(rejection.reasonZh) / \(rejection.reason)" }
}
