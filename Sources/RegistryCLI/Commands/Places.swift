import ArgumentParser
import RegistryCore

extension RegistryCommand {
    /// `registry places NAME`: searches the gazetteer (区划查询), offline.
    struct Places: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "查询区划代码 / Look up a place.",
            discussion: "地名、简称、带省市的写法、拼音或首字母都可以，例如 江岸、石家庄藁城、gaocheng、gc、美国。")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "地名或代码 / A name or a code.") var name: String
        @Option(help: "输出格式 table|json.") var format: OutputFormat = .table
        @Option(help: "最多列出 / At most this many.") var limit = 20

        struct Row: Encodable { let code: String, name: String, path: String, level: String, successor: String? }

        func run() throws {
            // The gazetteer is data shipped with the program: no registry file is needed or opened.
            let gazetteer = Gazetteer.shared
            let found = gazetteer.search(name, limit: max(1, limit))
            let zh = global.lang == .zh
            if format == .json {
                return Console.out(
                    JSONText.encode(
                        found.map {
                            Row(
                                code: $0.code, name: $0.name, path: gazetteer.path($0), level: $0.level.english,
                                successor: $0.successor)
                        }))
            }
            if found.isEmpty {
                Console.error(zh ? "没有找到“\(name)”" : "nothing matches \"\(name)\"")
                throw ExitCode.failure
            }
            let table = TextTable(
                headers: zh ? ["代码", "名称", "级别", "备注"] : ["Code", "Place", "Level", "Note"],
                rows: found.map { p in
                    [
                        p.code, gazetteer.path(p), zh ? p.level.chinese : p.level.english,
                        p.successor.map { zh ? "已调整为 \($0)" : "replaced by \($0)" } ?? "",
                    ]
                })
            Console.out(table.aligned)
        }
    }
}
