import ArgumentParser
import Foundation
import RegistryCore

/// The `registry` executable's entry point: swift-argument-parser with two things a clerk needs that it does not do.
/// The global options (`--db`, `--lang`) may come before the subcommand as DESIGN.md writes them, and a command line
/// it cannot parse is refused in one line in the clerk's language, naming the option and what to do (exit 64),
/// instead of `Error: The value … is invalid` and a usage screen.
@main
enum EntryPoint {
    static func main() async {
        let arguments = GlobalArguments.movedAfterSubcommand(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try RegistryCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            RegistryCommand.exit(withError: exit)
        } catch {
            let code = RegistryCommand.exitCode(for: error)
            guard code == .validationFailure else { RegistryCommand.exit(withError: error) }  // help, --version, …
            let language: Language = GlobalArguments.language(arguments)
            Console.error(UsageMessage.localized(RegistryCommand.message(for: error), language))
            RegistryCommand.exit(withError: ExitCode(64))
        }
    }
}

/// Where `--db` and `--lang` may be written.
enum GlobalArguments {
    static let withValue: Set<String> = ["--db", "--lang"]

    /// `registry --db F list` as `registry list --db F`: global options before the first subcommand word are moved to
    /// the end, where every subcommand accepts them.
    static func movedAfterSubcommand(_ arguments: [String]) -> [String] {
        var moved: [String] = []
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if !rest.isEmpty {
                rest.append(argument)
                i += 1
                continue
            }
            if withValue.contains(argument), i + 1 < arguments.count {
                moved += [argument, arguments[i + 1]]
                i += 2
            } else if withValue.contains(where: { argument.hasPrefix($0 + "=") }) {
                moved.append(argument)
                i += 1
            } else {
                rest.append(argument)
                i += 1
            }
        }
        // Only when a subcommand follows: `registry --db F` alone is left for the parser to explain.
        return rest.isEmpty ? arguments : rest + moved
    }

    /// The language asked with `--lang`, Chinese by default.
    static func language(_ arguments: [String]) -> Language {
        if let i = arguments.firstIndex(of: "--lang"), i + 1 < arguments.count,
            let language = Language(rawValue: arguments[i + 1])
        {
            return language
        }
        return arguments.contains("--lang=en") ? .en : .zh
    }
}

/// swift-argument-parser's refusals, in one line in the clerk's language.
enum UsageMessage {
    static func localized(_ english: String, _ language: Language) -> String {
        let first = english.split(separator: "\n").first.map(String.init) ?? english
        let message = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
        // `--id-number <id-number>` → `身份证号（--id-number）`: the field's name as the form calls it, and the flag.
        func option(_ text: String) -> String {
            let flag = text.split(separator: " ").first.map(String.init) ?? text
            let key = flag.trimmingCharacters(in: CharacterSet(charactersIn: "-<>")).replacingOccurrences(
                of: "-", with: "_")
            guard language == .zh, let field = Field(rawValue: key == "temp" ? "temperature" : key) else { return flag }
            return "\(field.label(.zh))（\(flag)）"
        }
        if let m = message.firstMatch(of: /The value '(.*)' is invalid for '([^']*)'(?::\s*(.*))?/) {
            let name = option(String(m.2))
            return language == .zh
                ? "\(name)：“\(m.1)”不是有效的值，请重新输入（registry help 查看用法）"
                : "\(name): \"\(m.1)\" is not a valid value (see registry help)"
        }
        if let m = message.firstMatch(of: /Missing value for '([^']*)'/) {
            let name = option(String(m.1))
            return language == .zh ? "\(name)：后面缺少要填的值" : "\(name): a value is missing after it"
        }
        if let m = message.firstMatch(of: /Missing expected argument '([^']*)'/) {
            let name = option(String(m.1))
            return language == .zh ? "缺少必填项 \(name)（registry help 查看用法）" : "\(name) is required (see registry help)"
        }
        if let m = message.firstMatch(of: /Unknown option '([^']*)'(?:\. Did you mean '([^']*)'\?)?/) {
            let hint = m.2.map { language == .zh ? "，是不是 \($0)？" : "; did you mean \($0)?" } ?? ""
            return language == .zh ? "不认识的选项 \(m.1)\(hint)" : "unknown option \(m.1)\(hint)"
        }
        if let m = message.firstMatch(of: /Unexpected argument '([^']*)'/) {
            return language == .zh ? "多余的内容 “\(m.1)”（含空格的值请加引号）" : "unexpected \"\(m.1)\" (quote values with spaces)"
        }
        return language == .zh ? "命令有误：\(message)（registry help 查看用法）" : message
    }
}
