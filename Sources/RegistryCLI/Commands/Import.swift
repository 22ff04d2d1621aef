import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry import FILE.csv`: batch intake from an Excel-saved CSV (UTF-8 or GB18030, English or Chinese headers).
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "批量导入返乡人员（Excel 工作簿 .xlsx 或 CSV） / Import arrivals from an .xlsx or CSV file.",
            discussion: "默认全部成功才写入；--skip-invalid 只导入正确的行，错误行写入 文件名.rejected.csv。")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Excel 工作簿（.xlsx）或 CSV 文件 / An .xlsx workbook or a CSV file.") var file: String
        @Option(help: "工作表名称（默认第一个） / The sheet to read (default the first).") var sheet: String?
        @Flag(help: "导入正确的行，错误行另存 / Import the good rows, write the bad ones to FILE.rejected.csv.")
        var skipInvalid = false
        @Flag(help: "只检查不写入 / Validate only.") var dryRun = false
        @Flag(help: "覆盖已有的错误行文件 / Overwrite an existing FILE.rejected.csv.") var force = false

        func run() throws {
            try global.run { registry in
                // Checked before anything is imported: the rejects of an earlier run may be the clerk's work list.
                let rejectsPath = ImportRejects.path(for: file)
                if skipInvalid && !dryRun && !force && FileManager.default.fileExists(atPath: rejectsPath) {
                    throw RegistryError(
                        .file, zh: "\(rejectsPath) 已存在（上次导入的错误行）；请先处理或移走它，或加 --force 覆盖",
                        en:
                            "\(rejectsPath) exists (the rejected rows of an earlier import); deal with it or move it, or add --force"
                    )
                }
                let zh = global.lang == .zh
                // By the first bytes, not the name: a workbook renamed .csv (or sent without a name) is still read.
                if let handle = FileHandle(forReadingAtPath: file), XLSXFile.isWorkbook(handle.readData(ofLength: 4)) {
                    let workbook = try XLSXFile(path: file, sheet: sheet)
                    try importRows(
                        workbook, registry: registry, rejectsPath: rejectsPath,
                        source: zh ? "Excel 工作表“\(workbook.sheet)”" : "Excel sheet \"\(workbook.sheet)\"")
                } else {
                    if sheet != nil {
                        throw RegistryError(
                            .file, zh: "--sheet 只用于 Excel 工作簿（.xlsx）", en: "--sheet is for .xlsx workbooks only")
                    }
                    let csv = try CSVStream(path: file)
                    try importRows(
                        csv, registry: registry, rejectsPath: rejectsPath,
                        source: (zh ? "编码 " : "") + csv.encoding.rawValue)
                }
            }
        }

        /// Imports the rows of a CSV file or a sheet, printing the per-row refusals and the summary.
        func importRows<Rows: CSVRows>(_ csv: Rows, registry: Registry, rejectsPath: String, source: String) throws {
            let zh = global.lang == .zh
            // A progress line only for a person watching a terminal; scripts get the summary alone.
            let progress: ((Int, Int) -> Void)? =
                isatty(2) == 1
                ? { done, total in
                    FileHandle.standardError.write(Data("\r\(zh ? "导入中" : "importing") \(done)/\(total)".utf8))
                } : nil
            let report = try registry.importArrivals(
                csv, mode: skipInvalid ? .skipInvalid : .allOrNothing,
                dryRun: dryRun, progress: progress)
            if progress != nil && report.written { FileHandle.standardError.write(Data("\r".utf8)) }
            if !report.unknownColumns.isEmpty {
                Console.error(
                    (zh ? "注意：未识别的列（已忽略）：" : "Note: unknown columns (ignored): ")
                        + report.unknownColumns.joined(separator: ", "))
            }
            for rejected in report.rejected {
                Console.error(
                    (zh ? "第 \(rejected.line) 行：" : "line \(rejected.line): ") + rejected.error.message(global.lang))
            }
            if skipInvalid && !report.rejected.isEmpty && !dryRun {
                try ImportRejects.write(
                    report.rejected, header: csv.header, lang: global.lang, to: rejectsPath, overwrite: force)
                Console.error((zh ? "错误行已写入 " : "Rejected rows written to ") + rejectsPath)
            }
            Console.out(
                zh
                    ? "\(dryRun ? "检查完毕（未写入）" : report.written ? "导入完成" : "未导入任何数据")：新增 \(report.imported)，已存在 \(report.alreadyPresent)，错误 \(report.rejected.count) 行（\(source)）"
                    : "\(dryRun ? "Checked (nothing written)" : report.written ? "Imported" : "Nothing imported"): \(report.imported) new, \(report.alreadyPresent) already present, \(report.rejected.count) rows rejected (\(source))"
            )
            if !report.rejected.isEmpty && !skipInvalid { throw ExitCode.failure }
        }
    }
}

/// The rejected rows of an import, as a CSV the clerk can fix and import again: the original columns plus the reason.
enum ImportRejects {
    static func path(for file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingPathExtension().path + ".rejected.csv"
    }

    static func write(
        _ rows: [ImportReport.Rejected], header: [String], lang: Language, to path: String, overwrite: Bool
    ) throws {
        let table = TextTable(
            headers: header + [lang == .zh ? "错误原因" : "reason"],
            rows: rows.map {
                $0.fields + Array(repeating: "", count: max(0, header.count - $0.fields.count)) + [
                    $0.error.message(lang)
                ]
            })
        try PrivateFile.write(Data(table.csv(bom: true).utf8), to: path, overwrite: overwrite)
    }
}
