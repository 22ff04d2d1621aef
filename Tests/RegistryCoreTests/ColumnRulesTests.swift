import Foundation
import GRDB
import Testing

@testable import RegistryCore

@Suite("Column rules (SyncedRules)")
struct ColumnRulesTests {
    @Test("every column of every synced table has exactly one rule, and no rule names a column the schema lacks")
    func rulesCoverTheSchema() throws {
        let registry = try makeRegistry()
        try registry.writer.read { db in
            for table in SyncedTables.names {
                let columns = Set(try db.columns(in: table).map(\.name))
                let rules = Set(try #require(SyncedRules.tables[table]).keys)
                #expect(
                    columns == rules,
                    "\(table): no rule for \(columns.subtracting(rules)), no column for \(rules.subtracting(columns))")
            }
        }
    }

    @Test("rows the registry writes pass the county's rules: every change of a realistic day is accepted")
    func ownChangesPass() throws {
        let registry = try makeRegistry()
        _ = try registry.importRiskAreas(
            try CSVFile(
                data: Data("code,name,level,in_force_from,lifted_on\n420102,江岸区,高,2022-06-20,\n".utf8), file: "ra.csv"))
        var form = IntakeForm()
        (form.name, form.idNumber, form.phone, form.arrived, form.healthCode) = (
            "张三", "420102199003071232", "13800138000", "2022-07-02", "黄码"
        )
        form.stays = [.init(code: "420102", name: "武汉市\n江岸区", from: "2022-06-20", to: "2022-07-01")]
        _ = try registry.intake(form)
        _ = try registry.check("420102199003071232", temperature: 37.6, symptoms: ["干咳"], at: nil)
        _ = try registry.recordTest(
            "420102199003071232", sampled: registry.clock.today, result: .positive, resultOn: nil, lab: "县疾控")
        _ = try registry.submitReport(on: registry.clock.today, reporter: "王会计", remarks: "第一行\n第二行")
        let changes = try registry.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT tbl, pk, columns, hlc, origin FROM change_log").map {
                Change(
                    table: $0["tbl"], pk: $0["pk"], columns: ColumnValues(json: $0["columns"])!, hlc: $0["hlc"],
                    origin: $0["origin"], originSeq: 1)
            }
        }
        #expect(changes.count >= 15)  // risk area, person, trip, measure, events, tests, check, report
        for change in changes {
            #expect(SyncedRules.problem(in: change) == nil, "\(change.table): \(SyncedRules.problem(in: change)!)")
        }
    }
}
