import CountyServer
import Foundation
import GRDB
import RegistryCore
import RegistrySync

/// `sync-bench tracing`: what one hostile village's contact graph costs every other village's push (issue 34). The
/// second review pushed 20k persons and 3k positives, each naming one contact, from one village: afterwards every
/// other village's push that carried a test took ~9 s instead of ~0.01 s, because the county traced the whole
/// window's positives on each push. Here: the median of 20 pushes of one person and one test from another village,
/// before and after that load, and one full tracing pass (what `merge` does) after it.
enum TracingBench {
    static func run(dir: String) async throws {
        let db = try await county(dir + "/tracing.sqlite", villages: 10)
        let today = db.clock.today
        let hostile = villageCode(0)
        let persons = personChanges(village: hostile, site: "site-hostile", count: 20_000)
        var changes = persons
        var random = SeededRandom(seed: 34)
        var seq = Int64(persons.count)
        for person in persons.prefix(3_000) {
            seq += 1
            changes.append(
                Change(
                    table: "lab_test", pk: UUID().uuidString.lowercased(),
                    columns: ColumnValues([
                        "village": hostile.databaseValue, "person_id": person.pk.databaseValue,
                        "sampled_on": "\(today)".databaseValue, "result": "positive".databaseValue,
                        "result_on": "\(today)".databaseValue, "deleted": 0.databaseValue,
                    ]), hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw,
                    origin: "site-hostile", originSeq: seq))
            seq += 1
            changes.append(
                Change(
                    table: "contact", pk: UUID().uuidString.lowercased(),
                    columns: ColumnValues([
                        "village": hostile.databaseValue, "person_id": person.pk.databaseValue,
                        "id_number": residentID(random.next()).databaseValue, "relation": "companion".databaseValue,
                        "created_at": "2022-11-05T09:00:00+08:00".databaseValue, "deleted": 0.databaseValue,
                    ]), hlc: HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw,
                    origin: "site-hostile", originSeq: seq))
        }

        // Another village: one person and one test per push, as a clerk's sync after a morning's sampling.
        var pushed: Int64 = 0
        func neighbourPush() async throws -> Double {
            let village = villageCode(1)
            let person = personChanges(village: village, site: "site-neighbour", count: Int(pushed) + 1).last!
            let at = Int64(Date().timeIntervalSince1970 * 1000)
            var row = person
            row.originSeq = pushed + 1
            row.hlc = HLC(milliseconds: at, counter: 0).raw
            let test = Change(
                table: "lab_test", pk: UUID().uuidString.lowercased(),
                columns: ColumnValues([
                    "village": village.databaseValue, "person_id": person.pk.databaseValue,
                    "sampled_on": "\(today)".databaseValue, "result": "negative".databaseValue,
                    "deleted": 0.databaseValue,
                ]), hlc: HLC(milliseconds: at, counter: 1).raw, origin: "site-neighbour", originSeq: pushed + 2)
            let request = Wire.PushRequest(
                site: "site-neighbour", after: pushed, through: pushed + 2, changes: [row, test])
            let start = now()
            let answer = try await db.push(request, village: village, tokenID: "bench-neighbour", maxSkew: 600)
            precondition(answer.rejected.isEmpty, "the neighbour's push was refused: \(answer.rejected)")
            pushed += 2
            return now() - start
        }
        func median(_ n: Int) async throws -> Double {
            var times: [Double] = []
            for _ in 0..<n { times.append(try await neighbourPush()) }
            return times.sorted()[n / 2]
        }

        let before = try await median(20)
        let loadStart = now()
        for start in stride(from: 0, to: changes.count, by: 500) {
            let batch = Array(changes[start..<min(start + 500, changes.count)])
            let answer = try await db.push(
                Wire.PushRequest(
                    site: "site-hostile", after: Int64(start), through: Int64(start + batch.count), changes: batch),
                village: hostile, tokenID: "bench-hostile", maxSkew: 600)
            precondition(answer.rejected.isEmpty, "the hostile load was refused: \(answer.rejected.prefix(3))")
        }
        let load = now() - loadStart
        let after = try await median(20)
        let fullStart = now()
        let raised = try await db.writing { try $0.raiseContactLeads() }
        let full = now() - fullStart
        let leads = try await db.actions(on: today).leads.count
        print(
            String(
                format:
                    "tracing (%@): one village pushes 20,000 persons, 3,000 positives with a contact each (%.1f s)\n"
                    + "  another village's push of a person and a test, median of 20: %.1f ms before, %.1f ms after (x%.2f)\n"
                    + "  a full tracing pass over the window (the merge run's): %.2f s, %d leads added to the %d the pushes raised",
                storeName, load, before * 1000, after * 1000, after / before, full, raised, leads - raised))
        await db.close()
    }
}
