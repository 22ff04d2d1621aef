import Foundation
import GRDB
import Testing

@testable import RegistryCore

@Suite("Registry: intake, one person one file, nothing half-written")
struct RegistryTests {
    @Test(
        "a stored value no enum knows is an error naming table and column, never a default (a positive read as pending)"
    )
    func unknownStoredValue() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form())
        _ = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-02"), result: .negative, resultOn: nil, lab: nil)
        // As a newer version (or a hand edit) could leave it; the CHECK constraint is what stops it today.
        try registry.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE lab_test SET result = 'inconclusive' WHERE sampled_on IS NOT NULL")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        #expect { try registry.file("420102199003071232") } throws: {
            ($0 as? RegistryError)?.message(.en).contains("lab_test.result") == true
        }
    }

    @Test("the same resident ID again is the same person with a new trip (一人一档)")
    func samePersonNewTrip() throws {
        let registry = try makeRegistry()
        let first = try registry.intake(form(arrived: "2022-07-02"))
        let second = try registry.intake(
            form(
                name: "张三", id: "420102199003071232", phone: "13900139000",
                departed: "2022-07-05", arrived: "2022-07-06"))
        #expect(first.isNewPerson && !second.isNewPerson)
        #expect(second.person.id == first.person.id)
        #expect(second.person.phone == "13900139000")
        let file = try registry.file("420102199003071232")
        #expect(file.trips.count == 2)
        #expect(try registry.writer.read { try Person.fetchCount($0) } == 1)
    }

    @Test("the same trip registered again writes nothing new")
    func sameTripTwice() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form())
        let before = try snapshot(registry)
        let again = try registry.intake(form())
        #expect(!again.isNewArrival)
        #expect(try snapshot(registry) == before)
    }

    @Test("a lower-case x and a legacy 15-digit number find the same person")
    func idForms() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form(id: "11010519491231002x"))
        #expect(try registry.person("11010519491231002X").idNumber == "11010519491231002X")
        _ = try registry.intake(form(name: "老李", id: "420102198506121233", arrived: "2022-07-03"))
        #expect(try registry.person("420102850612123").name == "老李")
    }

    @Test("search by id number, name (part) or phone")
    func search() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form(name: "欧阳娜娜", id: "420102199003071232", phone: "13800138000"))
        _ = try registry.intake(form(name: "李四", id: "32010219751201003X", phone: "13700137000"))
        #expect(try registry.search("欧阳").map(\.name) == ["欧阳娜娜"])
        #expect(try registry.search("137 0013 7000").map(\.name) == ["李四"])
        #expect(try registry.search("32010219751201003x").map(\.name) == ["李四"])
        #expect(try registry.search("王").isEmpty)
    }

    @Test(
        "bad input is refused naming the field, and nothing is written",
        arguments: [
            (form(id: "420102199003071231"), Field.idNumber),
            (form(name: "  "), .name),
            (form(phone: "1380013800"), .phone),
            (form(from: "4201"), .from),
            (form(departed: "2022-02-30"), .departed),
            (form(departed: "2022-07-05", arrived: "2022-07-02"), .departed),
            (form(arrived: "2022-07-11"), .arrived),  // after "today" (2022-07-10)
            (form(category: "high_risk"), .category),  // high risk comes from the travel history, not by hand
        ])
    func refusals(bad: IntakeForm, field: Field) throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form(name: "李四", id: "32010219751201003X"))
        let before = try snapshot(registry)
        #expect { try registry.intake(bad) } throws: { ($0 as? RegistryError)?.field == field }
        #expect(try snapshot(registry) == before)
    }

    @Test("an uninitialised registry refuses to work and says how to start")
    func uninitialised() throws {
        let registry = try Registry.inMemory(clock: .fixed(instant("2022-07-10 09:00")))
        #expect { try registry.intake(form()) } throws: {
            ($0 as? RegistryError)?.message(.en).contains("registry init") ?? false
        }
    }

    @Test("a registry cannot be re-initialised for another village")
    func otherVillage() throws {
        let registry = try makeRegistry()
        #expect(throws: RegistryError.self) { try registry.initialize(village: "110105001002", name: "别村") }
        #expect(throws: RegistryError.self) {
            try Registry.inMemory(clock: .fixed(Date())).initialize(village: "1101050010", name: "x")
        }
    }
}

@Suite("Schema")
struct SchemaTests {
    /// The schema of a fresh registry as text, one statement per entry, in a stable order.
    static func dump() throws -> String {
        let registry = try Registry.inMemory(clock: .fixed(Date()))
        let rows = try registry.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sql FROM sqlite_master
                    WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, tbl_name, name
                    """)
        }
        let header =
            "-- The village registry's schema as a fresh registry has it, after every migration in schema/migrations.\n"
            + "-- Checked by SchemaTests; regenerate with: REGISTRY_WRITE_SCHEMA=1 swift test --filter SchemaTests\n\n"
        return header + rows.map { ($0["sql"] as String) + ";" }.joined(separator: "\n\n") + "\n"
    }

    @Test("a fresh registry's schema matches schema/registry.sql")
    func matchesSchemaFolder() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../schema/registry.sql"
        ).standardized.path
        let actual = try SchemaTests.dump()
        if ProcessInfo.processInfo.environment["REGISTRY_WRITE_SCHEMA"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "schema/registry.sql is out of date with schema/migrations")
    }

    @Test("every synced table has id, village and deleted columns")
    func syncedColumns() throws {
        let registry = try Registry.inMemory(clock: .fixed(Date()))
        try registry.writer.read { db in
            for table in SyncedTables.names {
                let columns = Set(try db.columns(in: table).map(\.name))
                #expect(columns.isSuperset(of: ["id", "village", "deleted"]), "\(table)")
                #expect(try db.primaryKey(table).columns == ["id"], "\(table)")
            }
        }
    }

    @Test("migration v5 gives log entries written before v2 their row's village, so that scoped lookups find the row")
    func scopeBackfill() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: "v4")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO person (id, village, name, id_type, id_number, created_at) VALUES ('p1', '110105001001', '张三', 'resident_id', '420102199003071232', 'x');
                    INSERT INTO risk_area (id, village, code, name, level, in_force_from) VALUES ('r1', '110105', '420102', '江岸区', 'high', '2022-06-01');
                    INSERT INTO change_log (tbl, pk, columns, hlc, origin, scope) VALUES ('person', 'p1', '{"name":"张三"}', 1, 'old-site', '');
                    INSERT INTO change_log (tbl, pk, columns, hlc, origin, scope) VALUES ('risk_area', 'r1', '{"level":"high"}', 2, 'county', '');
                    """)
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            #expect(
                try String.fetchAll(db, sql: "SELECT scope FROM change_log ORDER BY seq") == ["110105001001", "110105"])
            let change = Change(
                table: "person", pk: "p1", columns: ColumnValues(["name": "李四".databaseValue]), hlc: 9, origin: "s",
                originSeq: 1)
            let known = try KnownRows.load([change], scopes: .among(["110105001001", "110105"]), db: db)
            #expect(known.row("person", "p1").owner == "110105001001")
            #expect(known.row("person", "p1").versions["name"] != nil)
        }
    }
}

@Suite("Corrections, deletion and restore")
struct PersonEditTests {
    @Test("a correction changes only the fields given and refuses a bad phone naming the field, writing nothing")
    func correct() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form())
        let before = try registry.person("420102199003071232")
        let corrected = try registry.correct("420102199003071232", PersonCorrection(name: " 张叁 ", address: "二组 5 号"))
        #expect(corrected.name == "张叁" && corrected.address == "二组 5 号" && corrected.phone == before.phone)
        let log = try registry.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log") }
        #expect(throws: RegistryError.self) {
            try registry.correct("420102199003071232", PersonCorrection(phone: "1380013800"))
        }
        #expect(throws: RegistryError.self) { try registry.correct("420102199003071232", PersonCorrection(name: "  ")) }
        #expect(try registry.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_log") } == log)
        #expect(try registry.person("420102199003071232") == corrected)
    }

    @Test(
        "delete hides the whole file from lists and reports; restore brings it back; a re-registered id blocks the restore"
    )
    func deleteRestore() throws {
        let registry = try makeRegistry()
        _ = try registry.intake(form())
        _ = try registry.check("420102199003071232", temperature: 38.0, symptoms: [], at: "2022-07-02 08:00")
        let figures = try registry.reportFigures(on: day("2022-07-02"))
        #expect(figures.new_arrivals == 1 && figures.fevers == 1)
        // a reason is required
        #expect(throws: RegistryError.self) { try registry.delete("420102199003071232", reason: "  ") }
        _ = try registry.delete("420102199003071232", reason: "误登记")
        #expect(try registry.search("420102199003071232").isEmpty)
        #expect(try registry.writer.read { try String.fetchOne($0, sql: "SELECT deleted_reason FROM person") } == "误登记")
        let empty = try registry.reportFigures(on: day("2022-07-02"))
        #expect(
            empty.new_arrivals == 0 && empty.fevers == 0 && empty.under_central_quarantine == 0 && empty.tests_due == 0)
        #expect(throws: RegistryError.self) { try registry.delete("420102199003071232", reason: "误登记") }
        _ = try registry.restore("420102199003071232")
        #expect(try registry.reportFigures(on: day("2022-07-02")) == figures)
        #expect(try registry.person("420102199003071232").deletedReason == nil)

        _ = try registry.delete("420102199003071232", reason: "误登记")
        _ = try registry.intake(form())
        #expect(throws: RegistryError.self) { try registry.restore("420102199003071232") }
    }
}

@Suite("Change log")
struct ChangeLogTests {
    @Test("replaying the change log rebuilds every synced table exactly: no write path bypasses it")
    func replayRebuildsState() throws {
        let registry = try makeRegistry()
        let csv = try CSVFile(
            data: Data(
                "code,name,level,in_force_from,lifted_on\n420102,江岸区,high,2022-06-20,\n310115,浦东,mid,2022-06-01,2022-06-30\n"
                    .utf8), file: "ra.csv")
        _ = try registry.importRiskAreas(csv)
        _ = try registry.importRiskAreas(
            try CSVFile(
                data: Data("code,name,level,in_force_from,lifted_on\n420102,江岸区,high,2022-06-20,2022-07-08\n".utf8),
                file: "ra.csv"))
        _ = try registry.intake(form())
        _ = try registry.intake(
            form(name: "李四", id: "32010219751201003X", from: "310115", departed: "2022-06-28", arrived: "2022-07-01"))
        _ = try registry.intake(form(name: "张三", departed: "2022-07-08", arrived: "2022-07-09", category: "密接"))
        _ = try registry.check("420102199003071232", temperature: 37.6, symptoms: ["干咳"], at: "2022-07-09 08:00")
        _ = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-09"), result: .negative, resultOn: nil, lab: "县医院")
        _ = try registry.recordTest(
            "420102199003071232", sampled: day("2022-07-10"), result: .positive, resultOn: nil, lab: nil)
        _ = try registry.extend("32010219751201003X", days: 3, reason: "密接的密接", on: day("2022-07-10"), actor: "王医生")
        _ = try registry.transfer("420102199003071232", reason: "转定点医院", on: day("2022-07-10"), actor: nil)
        _ = try registry.release("32010219751201003X", on: day("2022-07-10"), reason: "核酸阴性", force: true, actor: nil)
        _ = try registry.correct(
            "32010219751201003X", PersonCorrection(name: "李四四", phone: "13900139000", address: "三组"))
        _ = try registry.delete("420102199003071232", reason: "误登记")
        _ = try registry.restore("420102199003071232")
        _ = try registry.delete("32010219751201003X", reason: "重复登记")

        let replica = try Registry.inMemory(clock: .fixed(Date()))
        let entries = try registry.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT tbl, pk, columns FROM change_log ORDER BY seq")
        }
        try replica.writer.write { db in
            for entry in entries {
                let table: String = entry["tbl"]
                let pk: String = entry["pk"]
                let values = try #require(ColumnValues(json: entry["columns"])).values
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [pk]) ?? false
                let names = values.keys.sorted()
                if exists {
                    try db.execute(
                        sql: "UPDATE \(table) SET " + names.map { "\($0) = ?" }.joined(separator: ", ")
                            + " WHERE id = ?",
                        arguments: StatementArguments(names.map { values[$0]! } + [pk.databaseValue]))
                } else {
                    try db.execute(
                        sql: "INSERT INTO \(table) (" + names.joined(separator: ", ") + ") VALUES ("
                            + names.map { _ in "?" }.joined(separator: ", ") + ")",
                        arguments: StatementArguments(names.map { values[$0]! }))
                }
            }
        }
        for table in SyncedTables.names {
            let original = try registry.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM \(table) ORDER BY id") }
            let rebuilt = try replica.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM \(table) ORDER BY id") }
            #expect(original == rebuilt, "\(table)")
            if ["person", "arrival", "measure", "lab_test", "health_check", "risk_area", "measure_event"].contains(
                table)
            {
                #expect(!original.isEmpty, "\(table) was never written by this test")
            }
        }
    }

    @Test("the clock is persisted with each write and never goes backward, even when the computer's clock does")
    func clockPersisted() throws {
        let box = NowBox(instant("2022-07-10 09:00"))
        let registry = try Registry.inMemory(clock: RegistryClock(now: { box.now }))
        _ = try registry.initialize(village: "110105001001", name: "测试村")
        _ = try registry.intake(form())
        box.now = instant("2021-07-10 09:00")  // the clock jumps back a year after a reboot
        _ = try registry.intake(
            form(name: "李四", id: "32010219751201003X", departed: "2021-07-01", arrived: "2021-07-02"))
        let clocks = try registry.writer.read { try Int64.fetchAll($0, sql: "SELECT hlc FROM change_log ORDER BY seq") }
        #expect(clocks == clocks.sorted() && Set(clocks).count == clocks.count)
        let stored = try registry.writer.read {
            try Int64.fetchOne($0, sql: "SELECT value FROM setting WHERE key = 'hlc'")
        }
        #expect(stored == clocks.last)
    }
}

final class NowBox: @unchecked Sendable {
    var now: Date
    init(_ now: Date) { self.now = now }
}
