import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// `sync-server leads assign`: a lead sent to the wrong village goes to the right one; the first drops it.
@Suite("Passing a lead on", .serialized)
struct LeadAssignTests {
    @Test(
        "leads assign: withdrawn from the first village, issued to the second, closable there; closed or unknown ones refused"
    )
    func assign() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokens = try ["110105001001", "110105001002"].map {
            try county.command(["token", "issue", "--village", $0])
        }
        let first = try makeVillage(county, code: "110105001001")
        let second = try makeVillage(county, code: "110105001002")
        try county.write(
            "leads.csv",
            "village,name,id_number,phone,from_code,from_name,reason,deadline\n110105001001,欧阳娜娜,420102199003071232,,420102,武汉市江岸区,大数据推送,2030-01-10\n"
        )
        try county.command(["leads", "import", county.path("leads.csv")])
        func openLeads(_ registry: Registry) async throws -> [Lead] {
            try await registry.writer.read {
                try Lead.filter(Column("deleted") == false && Column("outcome") == nil).fetchAll($0)
            }
        }
        _ = try await SyncSession(registry: first, transport: county.transport(tokens[0])).run()
        let sent = try #require(try await openLeads(first).first)

        #expect(
            try county.refusal(["leads", "assign", sent.id, "--village", "110105001009"]).contains("not on the roster"))
        #expect(
            try county.refusal(["leads", "assign", "no-such-lead", "--village", "110105001002"]).contains("no lead"))
        let said = try county.command(["leads", "assign", sent.id, "--village", "110105001002"])
        #expect(said.hasPrefix("核查任务 欧阳娜娜 已改派给 二村（110105001002）"), "\(said)")

        _ = try await SyncSession(registry: first, transport: county.transport(tokens[0])).run()
        _ = try await SyncSession(registry: second, transport: county.transport(tokens[1])).run()
        #expect(try await openLeads(first).isEmpty)
        let passed = try #require(try await openLeads(second).first)
        #expect(
            passed.name == "欧阳娜娜" && passed.reason == "大数据推送" && passed.village == "110105001002"
                && passed.id != sent.id)

        // The second village closes it; the county sees the outcome, and a closed lead is not passed on again.
        _ = try second.closeLead(passed.id, outcome: .absent, on: Day("2022-07-05")!)
        _ = try await SyncSession(registry: second, transport: county.transport(tokens[1])).run()
        #expect(try county.refusal(["leads", "assign", passed.id, "--village", "110105001001"]).contains("closed"))
        let merge = try county.command(["merge", "--format", "json"])
        #expect(!merge.contains(passed.id) && !merge.contains(sent.id), "closed and withdrawn leads are not open")
    }
}
