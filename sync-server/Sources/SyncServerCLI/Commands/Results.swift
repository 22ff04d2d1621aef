import ArgumentParser
import CountyServer
import RegistryCore

/// `sync-server results import FILE.csv`: the laboratories' results, matched to the villages' samples.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "核酸检测结果 / Lab results.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导入检测机构的结果 CSV（id_number,name,sampled_on,result[,lab] 或 身份证号,姓名,采样日期,结果,检测机构）.",
            discussion: "每行按身份证号和采样日期对到村里登记的采样，村里下次同步时收到结果；对不上的行逐行列出（未登记的人是县里的核查线索）。有一行格式不对则整个文件不导入。")
        @OptionGroup var options: ServerOptionsGroup
        @OptionGroup var key: MaskKeyOption
        @Argument var file: String

        func run() async throws {
            try await options.run { db in
                Terminal.out(
                    try await db.importLabResults(try CSVFile(path: file), mask: try key.mask).text(options.language))
            }
        }
    }
}
