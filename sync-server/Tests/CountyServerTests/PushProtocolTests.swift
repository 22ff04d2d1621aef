import Foundation
import RegistrySync
import Testing

@testable import CountyServer
@testable import RegistryCore

/// The sync protocol's decisions without a database (`PushProtocol`, `PullProtocol`): the order of a push's refusals,
/// replays, the cursor and the receipts, as both stores carry them out (issue 36).
@Suite("Push protocol: refusals in order, no database")
struct PushProtocolTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let village = "110105001001"

    static func change(_ seq: Int64, table: String = "person", site: String = "laptop") -> Change {
        Change(
            table: table, pk: "row-\(seq)", columns: ColumnValues(["village": .string(village)]),
            hlc: HLC(milliseconds: Int64(now.timeIntervalSince1970 * 1000) - 60_000, counter: 0).raw, origin: site,
            originSeq: seq)
    }

    static func push(site: String = "laptop", after: Int64 = 0, through: Int64 = 2, token: String = "t1") throws
        -> PendingPush
    {
        let changes = (after + 1...max(after + 1, through)).filter { $0 <= through }.map { change($0, site: site) }
        return try PendingPush(
            Wire.PushRequest(site: site, after: after, through: through, changes: changes), village: village,
            tokenID: token, maxSkew: 600, now: now)
    }

    static func admit(_ push: PendingPush, _ cursor: SiteCursor?, revoked: Bool = false) throws
        -> PushProtocol.Admission
    {
        try PushProtocol.admit(
            push, cursor: cursor, county: "110105", countySite: "county-1", boundTokenRevoked: revoked)
    }

    static func refusal(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "admitted"
        } catch let refusal as PushRefusal {
            switch refusal {
            case .gap(let expected): return "gap \(expected)"
            case .wrongVillage: return "wrong village"
            case .foreignSite: return "foreign site"
            default: return "\(refusal)"
            }
        } catch {
            return "\(error)"
        }
    }

    @Test("a site of another village is refused first, then the county's own site, then a bound token, then a gap")
    func order() throws {
        let other = SiteCursor(village: "110105001002", lastSeq: 0, tokenID: "t9")
        // Everything wrong at once: another village's site, the county's site, another token, a gap.
        #expect(
            Self.refusal { try Self.admit(try Self.push(site: "county-1", after: 5, through: 6), other) }
                == "wrong village")
        let mine = SiteCursor(village: Self.village, lastSeq: 0, tokenID: "t9")
        #expect(
            Self.refusal { try Self.admit(try Self.push(site: "county-1", after: 5, through: 6), mine) }
                == "foreign site")
        #expect(Self.refusal { try Self.admit(try Self.push(after: 5, through: 6), mine) } == "foreign site")
        #expect(Self.refusal { try Self.admit(try Self.push(after: 5, through: 6), mine, revoked: true) } == "gap 0")
        #expect(Self.refusal { try Self.admit(try Self.push(after: 5, through: 6), nil) } == "gap 0")
        #expect(Self.refusal { try Self.admit(try Self.push(after: 0, through: 2), nil) } == "admitted")
    }

    @Test("only a village's push under another token than its site's asks for a revocation")
    func revocationLookup() throws {
        let bound = SiteCursor(village: Self.village, lastSeq: 2, tokenID: "t1")
        #expect(PushProtocol.tokenToCheck(try Self.push(token: "t1"), cursor: bound) == nil)
        #expect(PushProtocol.tokenToCheck(try Self.push(token: "t2"), cursor: bound) == "t1")
        #expect(PushProtocol.tokenToCheck(try Self.push(token: "t2"), cursor: nil) == nil)
        #expect(
            PushProtocol.tokenToCheck(
                try Self.push(token: "t2"), cursor: SiteCursor(village: Self.village, lastSeq: 2, tokenID: nil)) == nil)
    }

    @Test("a replay writes nothing and never moves the cursor back; an overlap applies only what follows on")
    func replay() throws {
        let cursor = SiteCursor(village: Self.village, lastSeq: 5, tokenID: "t1")
        let old = try Self.push(after: 0, through: 3)
        let admission = try Self.admit(old, cursor)
        #expect(admission.fresh.isEmpty && admission.cursor == 5)
        let done = PushProtocol.conclude(old, admission, plan: MergePlan())
        #expect(done.cursor.lastSeq == 5 && done.response.ackedThrough == 5)
        let overlap = try Self.admit(try Self.push(after: 3, through: 7), cursor)
        #expect(overlap.numbers == [6, 7])
        #expect(overlap.scopes == [Self.village, "110105"])
    }

    @Test("a daily report a village's push wrote gets a receipt; rejections are named by the sender's numbers")
    func conclusion() throws {
        let push = try PendingPush(
            Wire.PushRequest(
                site: "laptop", after: 0, through: 2,
                changes: [Self.change(1, table: "daily_report"), Self.change(2)]),
            village: Self.village, tokenID: "t1", maxSkew: 600, now: Self.now)
        let admission = try Self.admit(push, nil)
        var plan = MergePlan()
        plan.writes = [
            MergePlan.Write(
                index: 0, change: admission.fresh[0].change, isNew: true, columns: ["village"], logJSON: "{}",
                scope: Self.village)
        ]
        plan.rejections = [MergePlan.Rejection(index: 1, originSeq: 2, reason: Localized(zh: "不", en: "no"))]
        let done = PushProtocol.conclude(push, admission, plan: plan)
        #expect(done.receiptReports == ["row-1"])
        #expect(done.response.rejected.map(\.originSeq) == [2])
        #expect(done.cursor == SiteCursor(village: Self.village, lastSeq: 2, tokenID: "t1"))
    }

    @Test("a pull leaves out the puller's own changes but moves its cursor past them")
    func pull() {
        let entries = [(seq: Int64(10), change: Self.change(1, site: "laptop")), (11, Self.change(1, site: "county"))]
        let page = PullProtocol.response(entries, site: "laptop", after: 9, limit: 2, epoch: "e")
        #expect(page.changes.map(\.origin) == ["county"] && page.next == 11 && page.more)
        let empty = PullProtocol.response([], site: nil, after: 9, limit: 2, epoch: "e")
        #expect(empty.next == 9 && !empty.more)
        #expect(
            PullProtocol.scopes(village: Self.village, county: "110105") == [
                Self.village, "110105", "110000", "110100",
            ])
    }
}

/// How a push group is cut into runs that one set of statements may apply (`PendingPush.runs`, PostgreSQL's group
/// commit): pushes are decided together only where none could see another's writes.
@Suite("Push groups: runs decided together, no database")
struct PushRunsTests {
    static func push(_ site: String, _ changes: [(table: String, pk: String, columns: [String: ColumnValue])]) throws
        -> PendingPush
    {
        let stamped = changes.enumerated().map { index, change in
            Change(
                table: change.table, pk: change.pk, columns: ColumnValues(change.columns),
                hlc: HLC(milliseconds: Int64(PushProtocolTests.now.timeIntervalSince1970 * 1000) - 60_000, counter: 0)
                    .raw, origin: site, originSeq: Int64(index + 1))
        }
        return try PendingPush(
            Wire.PushRequest(site: site, after: 0, through: Int64(stamped.count), changes: stamped),
            village: PushProtocolTests.village, tokenID: "t-" + site, maxSkew: 600, now: PushProtocolTests.now)
    }

    static func sizes(_ pushes: [PendingPush]) -> [Int] { PendingPush.runs(pushes).map(\.count) }

    @Test("villages writing their own rows are one run; a shared row, a named person or a second push of a site cuts")
    func cuts() throws {
        let a = try Self.push("a", [("person", "p1", [:]), ("trip", "t1", ["person_id": "p1"])])
        let b = try Self.push("b", [("person", "p2", [:])])
        let c = try Self.push("c", [("health_check", "h1", ["person_id": "p3"])])
        #expect(Self.sizes([a, b, c]) == [3])
        // The same row as an earlier push of the run.
        let sameRow = try Self.push("d", [("person", "p2", ["name": "改"])])
        #expect(Self.sizes([a, b, sameRow, c]) == [2, 2])
        // A person another push of the run writes, named in `person_id`: its village must be read after that write.
        let naming = try Self.push("e", [("health_check", "h2", ["person_id": "p2"])])
        #expect(Self.sizes([b, naming]) == [1, 1])
        let named = try Self.push("f", [("person", "p3", [:])])
        #expect(Self.sizes([c, named]) == [1, 1])
        // A site's second push waits for its first (its cursor moves).
        #expect(Self.sizes([a, b, try Self.push("a", [("person", "p9", [:])])]) == [2, 1])
        #expect(Self.sizes([]) == [])
    }

    @Test("a push deleting a row about a person runs alone")
    func deletionsAlone() throws {
        let a = try Self.push("a", [("person", "p1", [:])])
        let deleting = try Self.push("b", [("health_check", "h9", ["deleted": .integer(1)])])
        let c = try Self.push("c", [("person", "p3", [:])])
        #expect(Self.sizes([a, deleting, c]) == [1, 1, 1])
        #expect(Self.sizes([deleting]) == [1])
        #expect(Self.sizes([a, c, deleting]) == [2, 1])
    }
}
