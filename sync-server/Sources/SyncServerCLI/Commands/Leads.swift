import ArgumentParser
import CountyServer
import RegistryCore

extension SyncServerCommand {
    /// `sync-server leads import FILE.csv`.
    struct Leads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "核查线索 / Leads.", subcommands: [Import.self, Assign.self, Confirm.self])

        struct Confirm: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "确认仅凭一村报告提出的密接线索（县已核实） / Confirm a contact lead raised on one village's word.",
                discussion: "确认后线索带上接触日，村里按“已找到”关闭即按密接管控。")
            @OptionGroup var options: ServerOptionsGroup
            @Argument(help: "任务编号 / Lead id.") var lead: String
            @Option(help: "核实人 / Who confirmed it.") var by: String

            func run() async throws {
                try await options.run { db in
                    let confirmed = try await db.confirmContactLead(lead, by: by)
                    Terminal.out(
                        options.language == .zh
                            ? "已确认：\(confirmed.reason ?? "")（\(confirmed.village)，下次同步时下发）"
                            : "confirmed: \(confirmed.reason ?? "") (\(confirmed.village), sent at its next sync)")
                }
            }
        }

        struct Assign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "把未核查的任务改派给另一个村（原村下次同步时撤回） / Pass an open lead to another village.")
            @OptionGroup var options: ServerOptionsGroup
            @Argument(help: "任务编号 / Lead id.") var lead: String
            @Option(help: "12 位村代码 / Village code.") var village: String

            func run() async throws {
                try await options.run { db in
                    let passed = try await db.writing { try $0.assignLead(lead, village: village) }
                    let name = try await db.villageName(passed.village) ?? ""
                    Terminal.out(
                        options.language == .zh
                            ? "核查任务 \(passed.name) 已改派给 \(name)（\(passed.village)），新任务编号 \(passed.id)"
                            : "lead \(passed.name) passed to \(name) (\(passed.village)), new id \(passed.id)")
                }
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入并下发核查线索 CSV（village,name,id_number,phone,from_code,from_name,reason,deadline）.",
                discussion: "village 填 12 位村代码，或 9 位乡镇代码（下发到该乡镇每个村），或留空而填身份证号（下发到登记了此人的村）。")
            @OptionGroup var options: ServerOptionsGroup
            @OptionGroup var key: MaskKeyOption
            @Argument var file: String

            func run() async throws {
                try await options.run { db in
                    let csv = try CSVFile(path: file)
                    let counties = Set(try await db.regions().filter { $0.level == .county }.map(\.code))
                    let mask = try key.mask
                    let result = try await db.writing { try $0.importLeads(csv, counties: counties, mask: mask) }
                    Terminal.out(
                        options.language == .zh
                            ? "核查线索：新增下发 \(result.added)，已下发过 \(result.unchanged)"
                            : "leads: \(result.added) added, \(result.unchanged) already sent")
                }
            }
        }
    }
}
