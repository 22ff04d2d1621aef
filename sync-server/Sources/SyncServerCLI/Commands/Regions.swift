import ArgumentParser
import CountyServer
import RegistryCore

/// `sync-server regions import FILE.csv` and `regions list`: a city's counties, a province's cities and counties.
struct RegionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions", abstract: "下级区划名册（市、省级） / The roster of regions below.",
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导入下级区划名册 CSV（code,name,parent_code 或 代码,名称,上级代码）；有一行不对则整个文件不导入.")
        @OptionGroup var options: ServerOptionsGroup
        @Argument var file: String

        func run() async throws {
            try await options.run { db in
                let result = try await db.importRegions(try CSVFile(path: file))
                Terminal.out(
                    options.language == .zh
                        ? "区划名册：新增 \(result.added)，更新 \(result.updated)"
                        : "regions: \(result.added) added, \(result.updated) updated")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出下级区划 / List the regions below.")
        @OptionGroup var options: ServerOptionsGroup

        func run() async throws {
            try await options.run { db in
                for region in try await db.regions() {
                    Terminal.out(
                        "\(region.code)  \(region.name)  \(options.language == .zh ? region.level.chinese : region.level.rawValue)  "
                            + (options.language == .zh ? "上级 " : "parent ") + region.parentCode)
                }
            }
        }
    }
}
