import Foundation
import RegistrySync
import Testing

@testable import CountyServer
@testable import RegistryCore

extension StoreContractTests {
    /// The group of pushes `groupAnswersAsOneByOne` applies: villages writing their own rows, a site's second push, a
    /// row id another village's push takes, a gap, and a person one village writes and another names.
    static func group(_ first: TokenHolder, _ second: TokenHolder) throws -> [PendingPush] {
        let now = Date()
        let ms = Int64(now.timeIntervalSince1970 * 1000)
        func push(_ holder: TokenHolder, _ site: String, after: Int64, _ changes: [Change]) throws -> PendingPush {
            try PendingPush(
                Wire.PushRequest(site: site, after: after, through: after + Int64(changes.count), changes: changes),
                village: holder.village, tokenID: holder.tokenID, maxSkew: 600, now: now)
        }
        let person = Change(
            table: "person", pk: "p-1",
            columns: ColumnValues([
                "village": first.village.databaseValue, "name": "张三".databaseValue,
                "id_type": "resident_id".databaseValue, "id_number": "110101199003077774".databaseValue,
                "phone": "13800138000".databaseValue, "created_at": "2022-07-02T09:00:00+08:00".databaseValue,
                "deleted": 0.databaseValue,
            ]), hlc: HLC(milliseconds: ms, counter: 0).raw, origin: "a2", originSeq: 1)
        var naming = checks(second.village, site: "b3", 1...1)[0]
        naming.columns = ColumnValues(naming.columns.values.merging(["person_id": "p-1"]) { $1 })
        var taken = checks(second.village, site: "b2", 1...1)[0]
        taken.pk = "a1-1"
        return [
            try push(first, "a1", after: 0, checks(first.village, site: "a1", 1...3)),
            try push(second, "b1", after: 0, checks(second.village, site: "b1", 1...2)),
            try push(first, "a1", after: 3, checks(first.village, site: "a1", 4...5)),
            try push(second, "b2", after: 0, [taken]),
            try push(first, "c1", after: 5, checks(first.village, site: "c1", 6...6)),
            try push(first, "a2", after: 0, [person]),
            try push(second, "b3", after: 0, [naming]),
        ]
    }

    /// What a store answered to each push, and the rows and log it holds after.
    static func outcome(_ store: any CountyStore, _ results: [Result<Wire.PushResponse, any Error>]) async throws
        -> [String]
    {
        let answers = results.map { result in
            switch result {
            case .success(let ack): "acked \(ack.ackedThrough) rejected \(ack.rejected.map(\.originSeq))"
            case .failure(let error): "\(error)"
            }
        }
        let rows = try await store.reading { db in
            try db.read {
                try String.fetchAll(
                    $0, sql: "SELECT id || ' ' || village FROM health_check UNION ALL SELECT id FROM person ORDER BY 1")
                    + String.fetchAll($0, sql: "SELECT origin || ' ' || origin_seq FROM change_log ORDER BY seq")
            }
        }
        return answers + rows
    }

    @Test("a group of pushes applied together answers and writes as the same pushes one by one", arguments: kinds)
    func groupAnswersAsOneByOne(kind: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var outcomes: [[String]] = []
        for together in [true, false] {
            let place = dir.appendingPathComponent(together ? "together" : "apart")
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            let store = try await Self.open(kind, in: place)
            let first = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
            let second = try #require(
                try await store.authenticate(try await store.issueToken(village: Self.neighbour)))
            let pushes = try Self.group(first, second)
            let group = try #require(store as? any GroupCommitting)
            var results: [Result<Wire.PushResponse, any Error>] = []
            if together {
                results = try await group.applyGroup(pushes)
            } else {
                for push in pushes { results += try await group.applyGroup([push]) }
            }
            outcomes.append(try await Self.outcome(store, results))
            await store.close()
        }
        #expect(outcomes[0] == outcomes[1])
        // What the group decided: the second push of a1 follows on, b2's row id is a1's (refused), c1 has a gap, b3
        // names a person of another village (refused).
        #expect(outcomes[0].prefix(7).map { $0.components(separatedBy: " rejected").first! }.count == 7)
        #expect(outcomes[0][2].hasPrefix("acked 5 rejected []"))
        #expect(outcomes[0][3] == "acked 1 rejected [1]")
        #expect(outcomes[0][4].contains("gap"))
        #expect(outcomes[0][6] == "acked 1 rejected [1]")
    }
}

extension StoreContractTests {
    @Test(
        "PostgreSQL: rows read ahead of the log lock are read again when another writer touched them meanwhile",
        .enabled(if: TestStore.isPostgres))
    func readAheadSeesWritesInBetween() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try #require(try await Self.open("postgres", in: dir) as? PostgresStore)
        let first = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
        let second = try #require(try await store.authenticate(try await store.issueToken(village: Self.neighbour)))
        let mine = try PendingPush(
            Wire.PushRequest(
                site: "a1", after: 0, through: 1, changes: Self.checks(first.village, site: "a1", 1...1)),
            village: first.village, tokenID: first.tokenID, maxSkew: 600, now: Date())
        let settings = try await store.settings()
        let touched = try await store.transaction { connection in
            let ahead = try #require(try await store.readAhead([mine][...], settings: settings, on: connection))
            #expect(ahead.decision.admitted.count == 1 && ahead.decision.refused.isEmpty, "admitted as first seen")
            // Meanwhile another village's push, committed by another writer: first one of other rows, then one that
            // takes the id this push will insert.
            _ = try await Self.push(store, second, site: "b1", after: 0, through: 2)
            let unrelated = try await store.written(since: ahead.before, touches: ahead.touches, on: connection)
            var taken = Self.checks(second.village, site: "b2", 1...1)[0]
            taken.pk = "a1-1"
            _ = try await Self.push(store, second, site: "b2", after: 0, through: 1, [taken])
            return (unrelated, try await store.written(since: ahead.before, touches: ahead.touches, on: connection))
        }
        #expect(touched.0 == false, "another village's own rows do not invalidate the read")
        #expect(touched.1 == true, "a row this push touches, written in between, does")
        // Applied as a group, the push is decided on what is stored now: the id is another village's.
        let results = try await store.applyGroup([mine])
        #expect(try results[0].get().rejected.map(\.originSeq) == [1])
        await store.close()
    }

    @Test(
        "PostgreSQL: a push decided ahead of the log lock is decided again when its site's cursor moved meanwhile",
        .enabled(if: TestStore.isPostgres))
    func decisionAheadYieldsToAMovedCursor() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try #require(try await Self.open("postgres", in: dir) as? PostgresStore)
        let first = try #require(try await store.authenticate(try await store.issueToken(village: Self.village)))
        let request = Wire.PushRequest(
            site: "a1", after: 0, through: 2, changes: Self.checks(first.village, site: "a1", 1...2))
        let mine = try PendingPush(request, village: first.village, tokenID: first.tokenID, maxSkew: 600, now: Date())
        let settings = try await store.settings()
        let (ahead, now) = try await store.transaction { connection in
            let ahead = try #require(try await store.readAhead([mine][...], settings: settings, on: connection))
            #expect(ahead.decision.holds([mine], cursors: try await store.siteCursors(["a1"], on: connection)))
            // The same push, sent again by a village that timed out, applied meanwhile by another writer.
            _ = try await store.push(request, village: first.village, tokenID: first.tokenID, maxSkew: 600)
            return (ahead, try await store.siteCursors(["a1"], on: connection))
        }
        #expect(ahead.decision.admitted.first?.admission.fresh.count == 2, "decided ahead: both changes fresh")
        #expect(!ahead.decision.holds([mine], cursors: now), "the site's cursor moved: the decision does not stand")
        // Applied, it is a replay: answered with the cursor as it stands, nothing logged twice.
        let logged = try await store.lastLogSeq()
        let results = try await store.applyGroup([mine])
        #expect(try results[0].get().ackedThrough == 2 && results[0].get().rejected.isEmpty)
        #expect(try await store.lastLogSeq() == logged)
        await store.close()
    }
}
