import Foundation
import GRDB
import RegistrySync
import Testing

@testable import CountyServer
@testable import RegistryCore

/// The household register and a sweep reach the county like every other row, checked by its column rules, and stay
/// there: they never go up to a city (issue 38).
@Suite("Household register and sweeps at the county", .serialized)
struct SweepSyncTests {
    @Test("a village's register, round and visits sync to the county; the relay up leaves them out")
    func registerSyncs() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let a = try makeVillage(county, code: "110105001001")
        let csv = try CSVFile(
            data: Data("住址,户主,联系电话,人口,网格\n一组1号,王建国,13800138000,4,一组\n一组2号,李秀英,,3,一组\n".utf8),
            file: "register.csv")
        let imported = try a.importHouseholds(csv, skipInvalid: false)
        #expect(imported.added == 2 && imported.written)
        _ = try a.startSweep(reason: "新增风险区", due: nil)
        _ = try a.recordVisit("王建国", result: "seen", returnees: 1)
        _ = try a.recordVisit("一组2号", result: "nobody_home")
        _ = try await SyncSession(registry: a, transport: county.transport(token)).run()
        #expect(try count(county.db, "SELECT count(*) FROM household") == 2)
        #expect(try count(county.db, "SELECT count(*) FROM sweep_round") == 1)
        #expect(try count(county.db, "SELECT count(*) FROM sweep_visit WHERE result = 'nobody_home'") == 1)
        // What a relay up to a city would read of the county's log: everything of the village but the register.
        let condition = RelayPage.condition(
            settings: try CountySettings(["county": "110105", "site": "s", "epoch": "e"]))
        #expect(try count(county.db, "SELECT count(*) FROM change_log WHERE tbl = 'household'") == 2)
        #expect(
            try count(
                county.db,
                "SELECT count(*) FROM change_log WHERE \(condition) AND tbl IN ('household', 'sweep_round', 'sweep_visit')"
            ) == 0)
        #expect(
            try count(county.db, "SELECT count(*) FROM change_log WHERE \(condition)") > 0, "the rest still goes up")
    }
}
