import ArgumentParser
import CountyServer
import Foundation
import Logging
import RegistryCore

extension SyncServerCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "建立县（市、省）数据库 / Set up the server's database.",
            discussion: "sync-server init --county 420102 --name 江岸区，或 --region 420100 --level city --name 武汉市。")
        @OptionGroup var options: ServerOptionsGroup
        @Option(help: "6 位县级区划代码（等于 --region CODE --level county） / 6-digit county code.") var county: String?
        @Option(help: "6 位区划代码：县、市（以 00 结尾）或省（以 0000 结尾） / 6-digit region code.") var region: String?
        @Option(help: "county|city|province（县级、市级、省级；默认 county）.") var level: String = "county"
        @Option(help: "名称 / Name.") var name: String

        func validate() throws {
            if (county == nil) == (region == nil) {
                throw ValidationError("give --county CODE, or --region CODE --level county|city|province")
            }
            if county != nil, level != "county" {
                throw ValidationError("--county sets up a county; use --region CODE --level \(level)")
            }
            if RegionLevel(rawValue: level) == nil { throw ValidationError("--level: county, city or province") }
        }

        func run() async throws {
            try await options.run { db in
                let settings = try await db.initialize(
                    region: county ?? region!, level: RegionLevel(rawValue: level)!, name: name)
                Terminal.out(
                    options.language == .zh
                        ? "已建立\(settings.level.chinese)数据库：\(settings.name)（\(settings.county)），数据库 \(displayed(options.path))"
                        : "\(settings.level.rawValue) \(settings.county) \(settings.name) ready in \(displayed(options.path))"
                )
            }
        }
    }
}
