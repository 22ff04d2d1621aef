import ArgumentParser
import RegistryCore
import RegistrySync

extension RegistryCommand {
    /// `registry risk-areas import|list`.
    struct RiskAreas: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "risk-areas", abstract: "中高风险区 / Risk areas.", subcommands: [Import.self, List.self])

        /// Kept on this computer only (never pushed: the county publishes the list), and refused once the village
        /// syncs with a county, whose list then arrives with every sync.
        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入风险区名单 CSV（code,name,level,in_force_from,lifted_on）；仅限未连接县服务器时，只存本机.")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "CSV 文件 / CSV file.") var file: String

            func run() throws {
                try global.run { registry in
                    if let server = try registry.syncState().server {
                        throw RegistryError(
                            .file,
                            zh: "本村已连接县服务器（\(server)），风险区名单由县统一发布，每次同步自动下发；请由县指挥部导入（sync-server risk-areas import）",
                            en:
                                "this village syncs with the county (\(server)), which publishes the risk areas with every sync; ask the county to import them (sync-server risk-areas import)"
                        )
                    }
                    let result = try registry.importRiskAreas(try CSVFile(path: file))
                    Console.out(result.text(global.lang))
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出风险区 / List risk areas.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "输出格式 table|json|csv.") var format: OutputFormat = .table

            func run() throws {
                try global.run { registry in
                    let areas = try registry.riskAreas()
                    let zh = global.lang == .zh
                    let table = TextTable(
                        headers: zh
                            ? ["区划代码", "名称", "风险等级", "生效日期", "解除日期"]
                            : format == .table
                                ? ["Code", "Name", "Level", "In force from", "Lifted on"]
                                : ["code", "name", "level", "in_force_from", "lifted_on"],
                        rows: areas.map {
                            [
                                $0.code, $0.name, $0.level.label(global.lang), "\($0.inForceFrom)",
                                $0.liftedOn.map { "\($0)" } ?? "",
                            ]
                        })
                    switch format {
                    case .table: Console.out(table.aligned)
                    case .csv: Console.out(table.csv())
                    case .json:
                        struct Row: Encodable {
                            let code, name, level, in_force_from: String
                            let lifted_on: String?
                        }
                        Console.out(
                            JSONText.encode(
                                areas.map {
                                    Row(
                                        code: $0.code, name: $0.name, level: $0.level.rawValue,
                                        in_force_from: "\($0.inForceFrom)",
                                        lifted_on: $0.liftedOn?.description)
                                }))
                    }
                }
            }
        }
    }
}
