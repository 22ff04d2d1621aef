import Foundation
import Testing

/// The county server's layout shows its architecture (issue 36), and this keeps it so: a reader can tell where SQL
/// lives from a file's folder.
///
/// - `SQLite/`: the SQLite store (`CountyDatabase`) and the county's reads and writes, which run on it (or on a
///   PostgreSQL store's replica of it). The only folder beside `Postgres/` that imports GRDB.
/// - `Postgres/`: the PostgreSQL store and its replica. The only folder that imports PostgresNIO.
/// - `SQL/`: the few statements both stores send as they are.
/// - Everything else (`Core/` the store-agnostic sync protocol and values, `Relay/`, `HTTP/`, `Pages/`, `Metrics/`)
///   imports neither and holds no SQL statement.
@Suite("Layout: SQL only under SQLite/, Postgres/ and SQL/")
struct LayoutTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/CountyServer").standardizedFileURL

    /// Every Swift file of the target, by its path under the target's folder.
    static func files() throws -> [(path: String, text: String)] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [(String, String)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            files.append((path, try String(contentsOf: url, encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static let statement = try! NSRegularExpression(
        pattern: #"\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|CREATE INDEX)\b|\bUPDATE [a-z_]+ SET\b"#)

    @Test(
        "GRDB only under SQLite/ and Postgres/ (its replica), PostgresNIO only under Postgres/, SQL only there and in SQL/"
    )
    func sqlLivesInItsFolders() throws {
        let files = try Self.files()
        #expect(files.count > 50, "the target's files were found at \(Self.root.path)")
        var misplaced: [String] = []
        for (path, text) in files {
            let folder = path.split(separator: "/").first.map(String.init) ?? ""
            let code = text.split(separator: "\n").filter {
                !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//")
            }
            for line in code where line.hasPrefix("import ") {
                let module = line.dropFirst("import ".count)
                if module.hasPrefix("GRDB"), !["SQLite", "Postgres"].contains(folder) {
                    misplaced.append("\(path): \(line)")
                }
                if module == "PostgresNIO", folder != "Postgres" { misplaced.append("\(path): \(line)") }
            }
            if !["SQLite", "Postgres", "SQL"].contains(folder) {
                for line in code {
                    let text = String(line)
                    let range = NSRange(text.startIndex..., in: text)
                    if Self.statement.firstMatch(in: text, range: range) != nil { misplaced.append("\(path): \(text)") }
                }
            }
        }
        #expect(misplaced.isEmpty, "\(misplaced.joined(separator: "\n"))")
    }

    @Test("the sync protocol is written once: neither store's sync file decides a refusal")
    func protocolOnce() throws {
        for (path, text) in try Self.files() where path.hasSuffix("+Sync.swift") || path.hasSuffix("+Relay.swift") {
            for refusal in ["PushRefusal.wrongVillage", "PushRefusal.foreignSite", "PushRefusal.gap"] {
                #expect(!text.contains(refusal), "\(path) decides \(refusal) itself instead of PushProtocol")
            }
        }
    }

    @Test(
        "records name their columns once (`Person.Columns.idNumber`), never as strings across the county's and the registry's files"
    )
    func columnsNamedOnce() throws {
        let registry = Self.root.appendingPathComponent("../../../Sources/RegistryCore/Registry").standardizedFileURL
        var texts = try Self.files().map { ("CountyServer/" + $0.path, $0.text) }
        for name in try FileManager.default.contentsOfDirectory(atPath: registry.path) where name.hasSuffix(".swift") {
            texts.append(
                (
                    "RegistryCore/Registry/" + name,
                    try String(contentsOf: registry.appendingPathComponent(name), encoding: .utf8)
                ))
        }
        #expect(texts.count > 80)
        let spelled = texts.filter { $0.1.contains("Column(\"") }.map(\.0)
        #expect(spelled.isEmpty, "column names spelled as strings in \(spelled)")
    }
}
