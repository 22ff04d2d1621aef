import CountyServer
import Foundation
import GRDB
@testable import RegistryCore
import RegistrySync
import Testing

/// `upstream set … --mask`: the city sees persons with their id numbers hashed under the province's key, phones and
/// names masked, no address or birth date; it still finds a person registered in two counties, and sends a lead or a
/// lab result to a person named by id number (hashing it with the key given to that command).
@Suite("Persons masked on their way up", .serialized)
struct MaskedRelayTests {
    static let id = "420102199003071232", phone = "13800138000"

    @Test(
        "masked relay: no id number or phone in clear at the city; cross-county duplicate found; a lead and a positive result by id number reach both villages"
    )
    func masked() async throws {
        let city = try RelayTests.city()
        defer { city.stop() }
        let key = city.path("mask.key")
        try city.command(["mask-key", "generate", "-o", key])
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
        #expect(try city.refusal(["mask-key", "generate", "-o", key]).contains(key))

        let chaoyang = try ServerHarness()
        let fengtai = try ServerHarness(region: "110106", level: "county", name: "丰台区")
        try fengtai.write("villages.csv", "code,name,township_code,township_name\n110106001001,丰台一村,110106001,卢沟桥街道\n")
        try fengtai.command(["villages", "import", fengtai.path("villages.csv")])
        var villages: [(county: ServerHarness, registry: Registry, token: String)] = []
        for (county, region, code) in [(chaoyang, "110105", "110105001001"), (fengtai, "110106", "110106001001")] {
            try county.start()
            let registry = try makeVillage(county, code: code)
            try intake(registry, name: "欧阳娜娜", id: Self.id)
            _ = try registry.recordTest(Self.id, sampled: Day("2022-07-04")!, result: .pending, resultOn: nil, lab: nil)
            if code == "110105001001" {
                // Free text that names someone: a stay's place as typed and a reason (the second review found both at the
                // city in clear).
                var form = IntakeForm()
                form.name = "王五"
                form.idNumber = "110101199001011237"
                form.stays = [.init(code: "420102", name: "张三丰家", from: "", to: "2022-07-01")]
                form.arrived = "2022-07-02"
                form.category = "密接"
                _ = try registry.intake(form)
                _ = try registry.extend(
                    "110101199001011237", days: 3, reason: "密接：与 张三丰 同事", on: Day("2022-07-03")!, actor: nil)
            }
            let token = try county.command(["token", "issue", "--village", code])
            _ = try await SyncSession(registry: registry, transport: county.transport(token)).run()
            let regionToken = try city.command(["token", "issue", "--region", region])
            #expect(
                try county.refusal([
                    "upstream", "set", "--server", city.url.absoluteString, "--token", regionToken, "--mask",
                ])
                .contains("--mask and --mask-key go together"))
            try county.command([
                "upstream", "set", "--server", city.url.absoluteString, "--token", regionToken, "--mask", "--mask-key",
                key,
            ])
            #expect(try county.command(["upstream", "status"]).contains("（人员脱敏上报）"))
            #expect(try county.command(["upstream", "sync"]).contains("被拒绝 0 条"))
            villages.append((county, registry, token))
        }
        defer {
            chaoyang.stop()
            fengtai.stop()
        }

        // What the city holds: the keyed hash (the same in both counties), masked phone and name, nothing else.
        let persons: [TestRow] = try rows(
            city.db, "SELECT name, id_number, phone, address, birth_date FROM person WHERE name <> '王*'")
        let hashes = Set(persons.map { $0["id_number"] as String })
        #expect(
            persons.count == 2 && hashes.count == 1 && MaskedForm.isHashedID(hashes.first ?? ""),
            "\(persons.map(\.values))")
        #expect(persons.allSatisfy { ($0["phone"] as String?) == "138****8000" && ($0["name"] as String) == "欧**娜" })
        #expect(persons.allSatisfy { ($0["address"] as String?) == nil && ($0["birth_date"] as String?) == nil })
        #expect(try count(city.db, "SELECT count(*) FROM contact") == 0)
        #expect(
            try count(
                city.db,
                "SELECT count(*) FROM change_log WHERE columns LIKE '%\(Self.id)%' OR columns LIKE '%\(Self.phone)%'")
                == 0)
        // Not in any of the city's files (on SQLite), its log included; nor the name typed in free text.
        for file in [city.db, city.db + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(
                bytes.range(of: Data(Self.id.utf8)) == nil && bytes.range(of: Data(Self.phone.utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data("张三丰".utf8)) == nil, "a name in free text reached the city: \(file)")
        }
        #expect(try count(city.db, "SELECT count(*) FROM change_log WHERE columns LIKE '%张三丰%'") == 0)
        #expect(try count(city.db, "SELECT count(*) FROM measure_event WHERE reason = '密接：（已脱敏）'") == 1)
        // A village cannot push the masked forms; only a relay may carry them.
        let change = Change(
            table: "person", pk: "p1",
            columns: ColumnValues([
                "village": "110105001001", "name": "欧**娜", "id_type": "resident_id",
                "id_number": .string(hashes.first!),
                "phone": "138****8000", "created_at": "2022-07-02T08:00:00Z",
            ]), hlc: 1, origin: "laptop", originSeq: 1)
        #expect(SyncedRules.problem(in: change) != nil)
        #expect(SyncedRules.problem(in: change, masked: true) == nil)

        // The city's merge run still finds the person registered in both counties.
        let json =
            try JSONSerialization.jsonObject(with: Data(try city.command(["merge", "--format", "json"]).utf8))
            as! [String: Any]
        let duplicates = json["duplicates"] as! [[String: Any]]
        #expect(
            duplicates.count == 1 && duplicates.first?["counties"] as? [String] == ["110105", "110106"], "\(duplicates)"
        )

        // A lead to a named person, and one to a township: without the key the city cannot find the person.
        try city.write(
            "leads.csv",
            """
            village,name,id_number,deadline,reason
            ,欧阳娜娜,\(Self.id),2022-07-12,大数据推送
            110106001,赵六,110105199001011232,2022-07-12,同乡镇核查
            """)
        #expect(try city.refusal(["leads", "import", city.path("leads.csv")]).contains("--mask-key"))
        try city.write("nobody.csv", "village,name,id_number,deadline\n,王五,11010519491231002X,2022-07-12\n")
        let nobody = try city.refusal(["leads", "import", city.path("nobody.csv"), "--mask-key", key])
        #expect(nobody.contains("line 2: village: nobody here registered"), "\(nobody)")
        #expect(
            try city.command(["leads", "import", city.path("leads.csv"), "--mask-key", key]).hasPrefix("核查线索：新增下发 3"))
        // A positive result by id number, matched in both counties' villages through the hash.
        try city.write(
            "results.csv", "id_number,name,sampled_on,result,lab\n\(Self.id),欧阳娜娜,2022-07-04,positive,市疾控中心\n")
        #expect(try city.refusal(["results", "import", city.path("results.csv")]).contains("--mask-key"))
        let imported = try city.command(["results", "import", city.path("results.csv"), "--mask-key", key])
        #expect(imported.hasPrefix("检测结果：写入 2（阳性 2，"), "\(imported)")

        // Down through each county to its village: the lead names the person in full; the village escalates.
        for (county, registry, token) in villages {
            #expect(try county.command(["upstream", "sync"]).contains("新写入"))
            let report = try await SyncSession(registry: registry, transport: county.transport(token)).run()
            #expect(report.positives == ["欧阳娜娜"], "\(report.text(.zh))")
            let leads = try readNow(registry.writer) { try Lead.fetchAll($0) }
            #expect(leads.contains { $0.idNumber == Self.id && $0.name == "欧阳娜娜" && $0.reason == "大数据推送" })
            #expect(leads.contains { $0.name == "赵六" } == (county === fengtai))
            // The escalation (made after the pull, so sent at the next sync) goes up masked; nothing is refused on the way.
            _ = try await SyncSession(registry: registry, transport: county.transport(token)).run()
            _ = try county.command(["upstream", "sync"])
            #expect(try count(county.db, "SELECT count(*) FROM sync_rejection") == 0)
        }
        let measures: [TestRow] = try rows(city.db, "SELECT status, village FROM measure")
        #expect(measures.filter { ($0["status"] as String) == "escalated" }.count == 2, "\(measures.map(\.values))")
        #expect(try count(city.db, "SELECT count(*) FROM person WHERE id_number = '\(Self.id)'") == 0)
    }
}
