import Foundation
import GRDB
import RegistryCore
import Testing

@testable import RegistryCLI

/// Runs the built `registry` binary, as a clerk or a script would.
struct CLI {
    let db: String
    var env: [String: String] = [:]

    /// The `registry` binary next to the test bundle in the build folder.
    static let binary: String = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("registry").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return dir.appendingPathComponent("registry").path
    }()

    static func temporaryDatabase() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("registry-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("registry.sqlite").path
    }

    /// The environment the CLI runs with: this process's, the registry file, a fixed "now", then `env`.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["REGISTRY_DB"] = db
        environment["REGISTRY_NOW"] = environment["REGISTRY_NOW"] ?? "2022-07-10 09:00"
        for (k, v) in env { environment[k] = v }
        return environment
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    /// Every row of every table of the file, as text: what "the database as it was" means.
    func contents() throws -> [String] {
        let queue = try DatabaseQueue(path: db)
        return try queue.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            return try tables.flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { "\(table) \($0)" }.sorted()
            }
        }
    }
}

let intakeArgs = [
    "intake", "--name", "张三", "--id-number", "420102199003071232", "--phone", "13800138000",
    "--from", "420102", "--from-name", "武汉市江岸区", "--departed", "2022-07-01", "--arrived", "2022-07-02",
]

@Suite("CLI parsing")
struct CLIParsingTests {
    @Test func intakeFlags() throws {
        let command = try RegistryCommand.parseAsRoot(intakeArgs + ["--category", "密接", "--lang", "en"])
        let intake = try #require(command as? RegistryCommand.Intake)
        #expect(intake.form().name == "张三")
        #expect(intake.form().stays == [.init(code: "420102", name: "武汉市江岸区", from: "", to: "2022-07-01")])
        #expect(intake.form().category == "密接")
        #expect(intake.global.lang == .en)
    }

    @Test func formatsAndDates() throws {
        let list = try #require(
            try RegistryCommand.parseAsRoot(["list", "--format", "csv", "--date", "2022-07-03"])
                as? RegistryCommand.List)
        #expect(list.format == .csv)
        #expect(list.date.date == "2022-07-03")
        #expect(throws: (any Error).self) { try RegistryCommand.parseAsRoot(["list", "--format", "xml"]) }
        // A temperature is read as a clerk types it (full-width, with a unit) when the command runs.
        #expect(try Validate.temperature("３６．８℃") == 36.8)
        #expect(throws: RegistryError.self) { try Validate.temperature("abc") }
    }

    @Test func riskAreaSubcommands() throws {
        #expect(try RegistryCommand.parseAsRoot(["risk-areas", "import", "a.csv"]) is RegistryCommand.RiskAreas.Import)
        #expect(try RegistryCommand.parseAsRoot(["risk-areas", "list"]) is RegistryCommand.RiskAreas.List)
    }
}

@Suite("registry binary, end to end")
struct EndToEndTests {
    func initialised() throws -> CLI {
        let cli = CLI(db: CLI.temporaryDatabase())
        let result = try cli.run(["init", "--village", "110105001001", "--name", "测试村"])
        #expect(result.status == 0, "\(result.err)")
        return cli
    }

    @Test("init, intake, list and show as a clerk uses them")
    func clerkDay() throws {
        let cli = try initialised()
        let riskFile = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("areas.csv")
        try "code,name,level,in_force_from,lifted_on\r\n420102,武汉市江岸区,高,2022-06-20,\r\n".write(
            to: riskFile, atomically: true, encoding: .utf8)
        #expect(try cli.run(["risk-areas", "import", riskFile.path]).status == 0)

        let intake = try cli.run(intakeArgs)
        #expect(intake.status == 0, "\(intake.err)")
        #expect(intake.out.contains("高风险区"))
        #expect(intake.out.contains("集中隔离医学观察 2022-07-02 至 2022-07-08"))

        let en = try cli.run(["list", "--lang", "en"])
        #expect(en.out.contains("high_risk") && en.out.contains("1 people"))

        let show = try cli.run(["show", "420102199003071232", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
        #expect(json["id_number"] as? String == "420102199003071232")
        #expect(json["category"] as? String == "high_risk")
        #expect(json["policy"] as? String == "9th")
        let measure = try #require(json["measure"] as? [String: Any])
        #expect(measure["status"] as? String == "active")
        let phases = try #require(measure["phases"] as? [[String: Any]])
        #expect(phases.first?["kind"] as? String == "central_quarantine")
        #expect(phases.first?["starts_on"] as? String == "2022-07-02")
        #expect(phases.first?["ends_on"] as? String == "2022-07-08")
        let tests = try #require(json["tests"] as? [[String: Any]])
        #expect(
            tests.compactMap { $0["due_on"] as? String } == [
                "2022-07-02", "2022-07-03", "2022-07-04", "2022-07-06", "2022-07-08",
            ])

        let csv = try cli.run(["list", "--format", "csv"])
        #expect(csv.out.hasPrefix("姓名,身份证号"))
    }

    @Test("correct a phone, refuse a bad one naming the field, delete and restore the person")
    func correctDeleteRestore() throws {
        let cli = try initialised()
        #expect(try cli.run(intakeArgs).status == 0)
        let corrected = try cli.run(["correct", "420102199003071232", "--phone", "13900139000", "--address", "三组 2 号"])
        #expect(corrected.status == 0, "\(corrected.err)")
        let before = try cli.contents()
        let bad = try cli.run(["correct", "420102199003071232", "--phone", "1390013900"])
        #expect(bad.status != 0 && bad.err.hasPrefix("手机号：") && bad.err.split(separator: "\n").count == 1, "\(bad.err)")
        #expect(try cli.contents() == before)
        let show = try cli.run(["show", "420102199003071232"])
        #expect(show.out.contains("13900139000"))
        let noReason = try cli.run(["delete", "420102199003071232"])
        #expect(noReason.status != 0 && noReason.err.contains("--reason"))
        #expect(try cli.run(["delete", "420102199003071232", "--reason", "误登记"]).status == 0)
        #expect(try cli.run(["show", "420102199003071232"]).status != 0)
        #expect(try cli.run(["list", "--lang", "en"]).out.contains("0 people"))
        #expect(try cli.run(["restore", "420102199003071232"]).status == 0)
        #expect(try cli.run(["show", "420102199003071232"]).out.contains("13900139000"))
    }

    @Test("a wrong ID digit: one line on stderr naming the field, non-zero exit, the file as it was")
    func wrongDigit() throws {
        let cli = try initialised()
        #expect(try cli.run(intakeArgs).status == 0)
        let before = try cli.contents()
        var bad = intakeArgs
        bad[4] = "420102199003071231"
        bad[2] = "李四"
        let result = try cli.run(bad)
        #expect(result.status != 0)
        #expect(result.err.hasPrefix("身份证号：校验位不对"))
        #expect(result.err.split(separator: "\n").count == 1)
        #expect(result.out.isEmpty)
        #expect(try cli.contents() == before)
        let en = try cli.run(bad + ["--lang", "en"])
        #expect(en.err.hasPrefix("id_number: check character is wrong"))
    }

    @Test("asked field by field, a wrong answer is asked again")
    func prompts() throws {
        let cli = try initialised()
        // name, id (wrong, then right), phone, from, from name, stayed from, departed, arrived, category, transport,
        // health code, vaccine doses, address.
        let answers =
            [
                "王五", "420102199003071231", "420102199003071232", "13800138000", "420102", "江岸区", "",
                "2022-07-01", "2022-07-02", "", "自驾", "绿码", "", "一组 3 号", "",
            ].joined(separator: "\n") + "\n"
        let result = try cli.run(["intake", "--ask"], stdin: answers)
        #expect(result.status == 0, "\(result.err) \(result.out)")
        #expect(result.out.contains("身份证号：校验位不对"))
        #expect(result.out.contains("已登记：王五 420102199003071232"))
    }

    @Test("the database file is readable by its owner only")
    func permissions() throws {
        let cli = try initialised()
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.db)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    }

    @Test("two clerks writing the same file at once both succeed")
    func concurrentWriters() async throws {
        let cli = try initialised()
        let ids = [
            "420102199003071232", "32010219751201003X", "440306198808155615", "110105198002290013",
            "310115199211112349", "420102200101010017", "110105200002290013", "11010519491231002X",
        ]
        let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
            for (i, id) in ids.enumerated() {
                group.addTask {
                    try cli.run([
                        "intake", "--name", "人员\(i)", "--id-number", id, "--from", "420102",
                        "--departed", "2022-07-01", "--arrived", "2022-07-02",
                    ]).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 0 })
        let list = try cli.run(["list", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [Any])
        #expect(rows.count == ids.count)
    }

    @Test("a check with fever is flagged at once; a temperature of 3.65 is refused as a typing error")
    func checks() throws {
        let cli = try initialised()
        #expect(try cli.run(intakeArgs).status == 0)
        let fever = try cli.run(["check", "420102199003071232", "--temp", "37.3", "--at", "2022-07-09 08:00"])
        #expect(fever.out.contains("⚠ 异常"))
        let typo = try cli.run(["check", "420102199003071232", "--temp", "3.65"])
        #expect(typo.status != 0 && typo.err.hasPrefix("体温："))
    }
}

@Suite("registry binary: work list and daily report")
struct ReportEndToEndTests {
    @Test("today lists the tests due, then the report is submitted twice and reads revision 2")
    func todayAndReport() throws {
        var created = CLI(db: CLI.temporaryDatabase(), env: ["REGISTRY_NOW": "2022-07-02 08:00"])
        #expect(try created.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        created.env["REGISTRY_NOW"] = "2022-07-03 16:00"
        let cli = created
        #expect(try cli.run(intakeArgs + ["--category", "密接"]).status == 0)
        let today = try cli.run(["today", "--format", "json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(today.out.utf8)) as? [String: Any])
        #expect((list["tests_due"] as? [[String: Any]])?.first?["id_number"] as? String == "420102199003071232")
        #expect((list["tests_overdue"] as? [Any])?.count == 1)  // due 2022-07-02, never sampled
        #expect((list["checks_missing"] as? [Any])?.count == 1)

        let noReporter = try cli.run(["report", "submit"])
        #expect(noReporter.status != 0 && noReporter.err.hasPrefix("填报人："))
        #expect(try cli.run(["report", "submit", "--reporter", "王会计"]).status == 0)
        var later = cli
        later.env["REGISTRY_NOW"] = "2022-07-03 18:00"
        let second = try later.run(["report", "submit", "--remarks", "更正"])
        #expect(second.out.contains("第 2 版"), "\(second.err)")
        // The time as a clerk reads it (issue 37), not the stored ISO text.
        #expect(second.out.contains("时间 2022-07-03 18:00") && !second.out.contains("T18:00"), "\(second.out)")
        let report = try cli.run(["report", "--date", "2022-07-03", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as? [String: Any])
        #expect(json["revision"] as? Int == 2)
        #expect(json["new_arrivals"] as? Int == 0)
        #expect(json["under_central_quarantine"] as? Int == 1)
        let history = try cli.run([
            "report", "history", "--from", "2022-07-02", "--to", "2022-07-03", "--format", "json",
        ])
        let days = try #require(try JSONSerialization.jsonObject(with: Data(history.out.utf8)) as? [[String: Any]])
        #expect(days.map { $0["status"] as? String } == ["missing", "on_time"])
        let table = try cli.run(["report", "history", "--from", "2022-07-03", "--to", "2022-07-03"]).out
        #expect(table.contains("2022-07-03 18:00") && !table.contains("T18:00"), "\(table)")
    }
}

/// A valid resident ID for a serial number: an independent GB 11643 check-character computation, for test data.
func residentID(_ serial: Int) -> String {
    let birth = 19_700_101 + (serial / 1000) % 28 + 100 * ((serial / 28_000) % 12)
    let body = "420102" + String(birth) + String(serial % 1000).leftPadded3
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    return body + String(Array("10X98765432")[sum % 11])
}

extension String {
    var leftPadded3: String { String(repeating: "0", count: max(0, 3 - count)) + self }
}

@Suite("registry import, end to end")
struct ImportEndToEndTests {
    @Test("a 10k-row file through the built binary, then again: nothing new; --skip-invalid writes the rejects")
    func tenThousandRows() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        var text = "姓名,身份证号,来源地代码,离开日期,到达日期\r\n"
        for i in 0..<10_000 { text += "人员\(i),\(residentID(i)),420102,2022-07-01,2022-07-02\r\n" }
        text += "坏行,420102197001010011,420102,2022-07-01,2022-07-02\r\n"  // wrong check character: line 10002
        let dir = URL(fileURLWithPath: cli.db).deletingLastPathComponent()
        let file = dir.appendingPathComponent("arrivals.csv").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        let strict = try cli.run(["import", file])
        #expect(strict.status != 0)
        #expect(strict.err.contains("第 10002 行：身份证号"))

        let first = try cli.run(["import", file, "--skip-invalid"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("新增 10000"))
        let bytes = try #require(
            FileManager.default.contents(atPath: dir.appendingPathComponent("arrivals.rejected.csv").path))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))  // UTF-8 BOM, so that Excel opens it right
        let rejects = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(rejects.hasPrefix("姓名,身份证号") && rejects.contains("坏行") && rejects.contains("校验位"))

        let mode =
            try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("arrivals.rejected.csv").path)[
                .posixPermissions] as? Int
        #expect(mode == 0o600)  // personal data: readable by the clerk only

        let refused = try cli.run(["import", file, "--skip-invalid"])  // the rejects file of the first run is kept
        #expect(refused.status == 1 && refused.err.contains("arrivals.rejected.csv 已存在"))
        let again = try cli.run(["import", file, "--skip-invalid", "--force"])
        #expect(again.out.contains("新增 0，已存在 10000"))
    }
}

@Suite("registry export, end to end")
struct ExportEndToEndTests {
    @Test("CSV export: UTF-8 with BOM, Chinese headers, one row per trip; --active and JSON")
    func export() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        #expect(try cli.run(intakeArgs + ["--category", "密接"]).status == 0)
        #expect(
            try cli.run([
                "intake", "--name", "李四", "--id-number", "32010219751201003X", "--from", "110101",
                "--departed", "2022-06-01", "--arrived", "2022-06-02",
            ]).status == 0)
        let out = URL(fileURLWithPath: cli.db).deletingLastPathComponent().appendingPathComponent("out.csv").path
        #expect(try cli.run(["export", "-o", out]).status == 0)
        let bytes = try #require(FileManager.default.contents(atPath: out))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("身份证号,姓名,性别"))
        #expect(lines[1].contains("密切接触者") && lines[1].contains("集中隔离医学观察"))
        let active = try cli.run(["export", "--active", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(active.out.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["张三"])
    }
}

@Suite("registry init --policy FILE")
struct PolicyFileEndToEndTests {
    @Test("a county's own policy file pins the rules; a malformed one is refused naming the file and the entry")
    func policyFile() throws {
        let cli = CLI(db: CLI.temporaryDatabase())
        let dir = URL(fileURLWithPath: cli.db).deletingLastPathComponent()
        let bad = dir.appendingPathComponent("bad.json").path
        try
            #"{"version":"county-1","effective_from":"2022-01-01","rules":[{"categories":["high_risk"],"phases":[{"kind":"central_quarantine","days":100}],"test_days":[1]}]}"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try cli.run([
            "init", "--village", "110105001001", "--name", "测试村", "--policy", bad, "--lang", "en",
        ])
        #expect(refused.status != 0)
        #expect(refused.err.hasPrefix("policy: \(bad): rules[0].phases[0].days"), "\(refused.err)")

        let good = dir.appendingPathComponent("county.json").path
        try
            #"{"version":"county-1","effective_from":"2022-01-01","rules":[{"categories":["high_risk"],"phases":[{"kind":"central_quarantine","days":10}],"test_days":[1,10]}]}"#
            .write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村", "--policy", good]).status == 0)
        let areas = dir.appendingPathComponent("areas.csv").path
        try "code,name,level,in_force_from,lifted_on\n420102,江岸区,high,2022-06-20,\n".write(
            toFile: areas, atomically: true, encoding: .utf8)
        #expect(try cli.run(["risk-areas", "import", areas]).status == 0)
        #expect(try cli.run(intakeArgs).status == 0)
        let show = try cli.run(["show", "420102199003071232", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
        #expect(json["policy"] as? String == "county-1")
        let phases = (json["measure"] as? [String: Any])?["phases"] as? [[String: Any]]
        #expect(phases?.first?["ends_on"] as? String == "2022-07-11")
    }
}
