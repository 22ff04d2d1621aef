import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry households import|list`: the village's household register (户籍/常住户台账), every household with or
    /// without returnees, which sweeps (`registry sweep`) go door to door through.
    struct HouseholdsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "households", abstract: "户籍台账（全村住户） / The household register.",
            subcommands: [Import.self, List.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入户籍台账（Excel 工作簿 .xlsx 或 CSV） / Import the household register.",
                discussion:
                    "表头：住址 户主 户主身份证号 联系电话 人口 网格 备注（或 address head_name head_id_number phone members grid notes）。"
                    + "默认全部正确才写入；--skip-invalid 只导入正确的行。同一住址再次导入即更新该户。")

            @OptionGroup var global: GlobalOptions
            @Argument(help: "Excel 工作簿（.xlsx）或 CSV 文件（UTF-8 或 GB18030） / An .xlsx workbook or a CSV file.")
            var file: String
            @Option(help: "工作表名称（默认第一个） / The sheet to read.") var sheet: String?
            @Flag(help: "导入正确的行，跳过错误行 / Import the good rows, skip the bad ones.") var skipInvalid = false
            @Flag(help: "只检查不写入 / Validate only.") var dryRun = false

            func run() throws {
                try global.run { registry in
                    let zh = global.lang == .zh
                    let report: HouseholdImportReport
                    if let handle = FileHandle(forReadingAtPath: file),
                        XLSXFile.isWorkbook(handle.readData(ofLength: 4))
                    {
                        report = try registry.importHouseholds(
                            try XLSXFile(path: file, sheet: sheet), skipInvalid: skipInvalid, dryRun: dryRun)
                    } else {
                        if sheet != nil {
                            throw RegistryError(
                                .file, zh: "--sheet 只用于 Excel 工作簿（.xlsx）", en: "--sheet is for .xlsx workbooks only")
                        }
                        report = try registry.importHouseholds(
                            try CSVFile(path: file), skipInvalid: skipInvalid, dryRun: dryRun)
                    }
                    for (line, error) in report.rejected {
                        Console.error((zh ? "第 \(line) 行：" : "line \(line): ") + error.message(global.lang))
                    }
                    if !report.rejected.isEmpty && !skipInvalid {
                        throw RegistryError(
                            .file,
                            zh: "\(report.rejected.count) 行有误，未导入任何住户（改正后重新导入，或加 --skip-invalid）",
                            en:
                                "\(report.rejected.count) row(s) refused; nothing imported (fix them, or add --skip-invalid)"
                        )
                    }
                    Console.out(
                        zh
                            ? "\(dryRun ? "检查完毕（未写入）" : "导入完成")：新增 \(report.added) 户，更新 \(report.updated) 户，未变 \(report.unchanged) 户，错误 \(report.rejected.count) 行"
                            : "\(dryRun ? "Checked (nothing written)" : "Imported"): \(report.added) added, \(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected.count) refused"
                    )
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "列出住户 / List the register's households.")

            @OptionGroup var global: GlobalOptions
            @Option(help: "只列这个网格（村民小组） / Only this grid.") var grid: String?
            @Option(help: "输出格式 table|json|csv.") var format: OutputFormat = .table

            func run() throws {
                try global.run { registry in
                    let lines = try registry.householdRegister(grid: grid)
                    let zh = global.lang == .zh
                    if format == .json { return Console.out(JSONText.encode(lines.map(HouseholdJSON.init))) }
                    let table = TextTable(
                        headers: zh
                            ? ["网格", "住址", "户主", "户主身份证号", "联系电话", "人口", "已登记", "编号"]
                            : [
                                "grid", "address", "head_name", "head_id_number", "phone", "members", "registered",
                                "id",
                            ],
                        rows: lines.map { line in
                            let h = line.household
                            return [
                                h.grid ?? "", h.address, h.headName ?? "", h.headIdNumber ?? "", h.phone ?? "",
                                h.members.map(String.init) ?? "", String(line.registered), h.id,
                            ]
                        })
                    if format == .csv { return Console.out(table.csv()) }
                    Console.out(table.aligned + "\n" + (zh ? "共 \(lines.count) 户" : "\(lines.count) households"))
                }
            }
        }
    }
}

/// A household as `households list --format json` gives it.
struct HouseholdJSON: Encodable {
    let id: String, address: String, head_name: String?, head_id_number: String?, phone: String?, members: Int?
    let grid: String?, notes: String?, registered: Int

    init(_ line: HouseholdLine) {
        let h = line.household
        id = h.id
        address = h.address
        head_name = h.headName
        head_id_number = h.headIdNumber
        phone = h.phone
        members = h.members
        grid = h.grid
        notes = h.notes
        registered = line.registered
    }
}
