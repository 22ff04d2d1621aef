import ArgumentParser
import CountyServer
import Foundation
import RegistryCore

/// `sync-server mask-key generate -o FILE`: the key a province hands to its regions, with which persons go up masked
/// (`upstream set … --mask --mask-key FILE`) and with which a server above finds a person by id number
/// (`leads import`, `results import` with `--mask-key FILE`).
struct MaskKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask-key", abstract: "脱敏密钥 / The key persons are masked with upward.",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成新的脱敏密钥（仅本人可读的文件） / Make a new mask key (a file only its owner can read).",
            discussion: "全省一把密钥：同一身份证号在各县算出相同的散列值，市、省才能发现跨县重复登记、按身份证号下发线索和检测结果。像令牌一样保管。")
        @Option(name: .shortAndLong, help: "密钥文件 / The key file.") var output: String
        @Option(help: "输出语言 zh|en.") var lang: String = "zh"

        func run() throws {
            let language = Language(rawValue: lang) ?? .zh
            do {
                try PrivateFile.write(Data((RelayMask.generate() + "\n").utf8), to: output, overwrite: false)
            } catch {
                FileHandle.standardError.write(
                    Data((RegistryError.from(error).message(language).terminalSafe + "\n").utf8))
                throw ExitCode.failure
            }
            Terminal.out(
                language == .zh
                    ? "已生成脱敏密钥 \(output)（仅本人可读）" : "mask key written to \(output) (readable by its owner only)")
        }
    }
}

/// `--mask-key FILE` for the commands that look persons up by id number at a server above a masking region.
struct MaskKeyOption: ParsableArguments {
    @Option(name: .customLong("mask-key"), help: "本省脱敏密钥文件（人员已脱敏时按身份证号匹配） / The province's mask key file.")
    var maskKey: String?

    var mask: RelayMask? {
        get throws { try maskKey.map { try RelayMask(file: $0) } }
    }
}
