import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

extension SyncServerCommand.Villages {
    /// `sync-server villages status --date D`: each village's 无疫村 status with the evidence (`DiseaseFree`).
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "各村无疫村状态及依据 / Each village's 无疫村 status with the evidence.")
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "日期（默认今天） / Date (default today).") var date: String?
        @Option(help: "输出格式 table|json.") var format: String = "table"

        func run() async throws {
            try await options.run { db in
                let day = try date.map { try Validate.day($0, field: .date) } ?? db.clock.today
                if let problem = CountySummary.futureProblem(day, today: db.clock.today) {
                    throw RegistryError(nil, problem)
                }
                let statuses = try await db.villageStatuses(on: day)
                switch format {
                case "json":
                    try Terminal.json(statuses)
                case "table":
                    for status in statuses {
                        Terminal.out("\(status.name)（\(status.village)，\(status.township_name)）：\(status.label)")
                        for line in status.evidence {
                            Terminal.out("  \(line.holds ? "✓" : "✗") \(line.label)：\(line.detail)")
                        }
                    }
                default:
                    throw RegistryError.notOneOf(.format, format, ["table", "json"])
                }
            }
        }
    }

    /// `sync-server villages review CODE --by NAME`: the township's review of a village meeting the criteria.
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "乡镇审核：村已达到无疫村条件 / The township's review of a village meeting the criteria.")
        @OptionGroup var options: ServerOptionsGroup
        @Argument(help: "12 位村代码 / Village code.") var village: String
        @Option(help: "审核人 / Who reviewed it.") var by: String

        func run() async throws {
            try await options.run { db in
                let status = try await db.recordVillageStatus(village, action: "review", by: by, reason: nil)
                Terminal.out("\(status.name)：\(status.label)")
            }
        }
    }

    /// `sync-server villages certify CODE --by NAME` (the county's record), `--revoke --reason R`.
    struct Certify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "县里认定为无疫村，或撤销 / The county records a village as 无疫村, or revokes it.",
            discussion: "须已达到条件并经乡镇审核（villages review）；出现新增阳性时自动失去资格，撤销记录用 --revoke --reason。")
        @OptionGroup var options: ServerOptionsGroup
        @Argument(help: "12 位村代码 / Village code.") var village: String
        @Option(help: "经办人 / Who records it.") var by: String
        @Flag(help: "撤销认定 / Revoke it.") var revoke = false
        @Option(help: "撤销原因 / Why it is revoked.") var reason: String?

        func run() async throws {
            try await options.run { db in
                let status = try await db.recordVillageStatus(
                    village, action: revoke ? "revoke" : "certify", by: by, reason: reason)
                Terminal.out("\(status.name)：\(revoke ? "已撤销无疫村认定" : status.label)")
            }
        }
    }

    /// `sync-server villages certificate CODE [--date D] -o FILE.html`: the printable 认定表.
    struct Certificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "打印无疫村认定表（A4，列出依据） / The printable certificate with the evidence (A4).")
        @OptionGroup var options: ServerOptionsGroup
        @Argument(help: "12 位村代码 / Village code.") var village: String
        @Option(help: "日期（默认今天） / Date (default today).") var date: String?
        @Option(name: .shortAndLong, help: "写入文件 / Write to this file.") var output: String?

        func run() async throws {
            try await options.run { db in
                let day = try date.map { try Validate.day($0, field: .date) } ?? db.clock.today
                guard let status = try await db.villageStatuses(on: day).first(where: { $0.village == village }) else {
                    throw RegistryError(.village, zh: "\(village) 不在村名册中", en: "\(village) is not on the roster")
                }
                let html = CertificateDocument.html(
                    status, criteria: try DiseaseFree.Criteria.inForce(on: day),
                    countyName: try await db.settings().name, generatedAt: db.clock.localText(db.clock.now()))
                if let output {
                    try PrivateFile.write(Data(html.utf8), to: output, overwrite: true)
                } else {
                    Terminal.out(html, terminator: "")
                }
            }
        }
    }
}
