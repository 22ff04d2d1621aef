import ArgumentParser
import Foundation
import RegistryCore

/// Flags every command takes: which database, which language.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "登记库文件 / Registry file (default: $REGISTRY_DB or ./registry.sqlite).")
    var db: String?

    @Option(name: .long, help: "输出语言 zh|en / Output language.")
    var lang: Language = .zh

    /// The database path: the flag, else $REGISTRY_DB, else ./registry.sqlite.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["REGISTRY_DB"] ?? "registry.sqlite"
    }

    /// Opens the registry with the system clock (or $REGISTRY_NOW, for training and tests). Only `init` creates a
    /// file (`creating`): any other command on a path with no registry says so, rather than leaving an empty file
    /// where a mistyped `--db` pointed.
    func open(creating: Bool = false) throws -> Registry {
        if !creating && !FileManager.default.fileExists(atPath: path) {
            throw RegistryError(
                .file, zh: "这里没有登记库：\(path)（--db 写错了？新建请先运行 registry init）",
                en: "there is no registry at \(path) (mistyped --db? to start one, run registry init)")
        }
        let fixed = ProcessInfo.processInfo.environment["REGISTRY_NOW"].flatMap(RegistryClock.parseNow)
        return try Registry.open(path: path, now: { fixed ?? Date() })
    }

    /// Runs `body` against the registry; a refusal is printed as one line on stderr with a non-zero exit.
    func run(creating: Bool = false, _ body: (Registry) throws -> Void) throws {
        do {
            try body(try open(creating: creating))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let refusal = RegistryError.from(error)
            Console.error(refusal.message(lang))
            throw ExitCode(refusal)
        }
    }
}

/// Output formats of the commands that list.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// What `export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, xlsx, json
}

extension Language: ExpressibleByArgument {}

/// Printing: results on stdout, refusals and warnings on stderr.
enum Console {
    /// Prints with control characters removed: names and reasons may come from other sites (see `terminalSafe`).
    static func out(_ text: String, terminator: String = "\n") { print(text.terminalSafe, terminator: terminator) }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.terminalSafe + "\n").utf8))
    }

    /// Prints lines that must not be missed: in bold red when stdout is a terminal, plain into a file or pipe.
    static func alert(_ text: String) {
        let safe = text.terminalSafe
        print(
            isatty(1) == 1
                ? safe.split(separator: "\n").map { "\u{1B}[1;31m\($0)\u{1B}[0m" }.joined(separator: "\n") : safe)
    }

    /// Whether stdin is a terminal (a clerk typing) rather than a file or pipe.
    static var isInteractive: Bool { isatty(0) == 1 }
}

/// `--date`, for commands that default to today: lets a clerk enter yesterday's paper forms.
struct DateOption: ParsableArguments {
    @Option(name: .long, help: "日期 YYYY-MM-DD（默认今天） / Date (default today).")
    var date: String?

    func day(_ registry: Registry, field: Field = .date) throws -> Day {
        guard let date else { return registry.clock.today }
        return try Validate.day(date, field: field)
    }
}
