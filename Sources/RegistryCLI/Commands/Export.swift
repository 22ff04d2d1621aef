import ArgumentParser
import Foundation
import RegistryCore

extension RegistryCommand {
    /// `registry export`: the registry as a file Excel opens right (UTF-8 with BOM, Chinese headers by default).
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "导出台账（Excel 可直接打开） / Export the registry.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "输出格式 csv|xlsx|json（默认按 -o 的扩展名，否则 csv；xlsx 须用 -o） / Format (default: -o's extension, else csv).")
        var format: ExportFormat?
        @Flag(help: "只导出今日管控中的人员 / Only those under a measure today.") var active = false
        @Option(help: "到达日期起 / Arrived from.") var from: String?
        @Option(help: "到达日期止 / Arrived until.") var to: String?
        @Option(name: .shortAndLong, help: "写入文件（默认标准输出；只有本人可读） / Write to this file (readable by you only).")
        var output: String?
        @Flag(help: "覆盖已有的文件 / Overwrite an existing file.") var force = false
        @Flag(
            help:
                "脱敏：姓名、身份证号、手机号部分隐去（张*伟、420102********1232、138****8000），不含住址和出生日期 / Mask names, id numbers and phones.")
        var mask = false

        func validate() throws {
            if format == .xlsx && output == nil {
                throw ValidationError("--format xlsx 须用 -o 文件.xlsx 指定输出文件 / --format xlsx needs -o FILE.xlsx")
            }
        }

        func run() throws {
            try global.run { registry in
                let format = ExportFormat(
                    rawValue: try FileFormat.chosen(
                        given: self.format?.rawValue, output: output, allowed: ExportFormat.allCases.map(\.rawValue),
                        fallback: "csv"))!
                let all = try registry.export(
                    activeOn: active ? registry.clock.today : nil,
                    from: try Validate.optionalDay(from, field: .date),
                    to: try Validate.optionalDay(to, field: .date), lang: global.lang)
                let rows = mask ? all.map(\.masked) : all
                let bytes: Data
                switch format {
                case .json: bytes = Data((JSONText.encode(rows) + "\n").utf8)
                case .xlsx:
                    bytes = try XLSXWriter.data(
                        XLSXSheet(
                            name: global.lang == .zh ? "台账" : "registry",
                            header: ExportRow.headers(global.lang), rows: rows.map(\.cells)))
                case .csv:
                    bytes = Data(
                        TextTable(headers: ExportRow.headers(global.lang), rows: rows.map(\.cells)).csv(bom: true).utf8)
                }
                if let output {
                    try PrivateFile.write(bytes, to: output, overwrite: force)
                    Console.error(
                        global.lang == .zh
                            ? "已导出 \(rows.count) 条到 \(output)" : "Exported \(rows.count) rows to \(output)")
                } else {
                    Console.out(String(decoding: bytes, as: UTF8.self), terminator: "")
                }
            }
        }
    }
}
