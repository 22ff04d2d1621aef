import Foundation
import GRDB

/// A consistent copy of a live SQLite database (the registry's or the county's), taken with SQLite's online backup
/// while clerks and villages keep writing: the copy is the database as of one moment, never a half-written one.
public enum Backup {
    /// Copies `source` into a new file at `path` (refused if it exists: a backup never overwrites), readable by its
    /// owner only, written beside it first and renamed into place when complete, so that a crash or a full disk
    /// leaves no file that looks like a backup. Returns the copy's size in bytes.
    @discardableResult
    public static func copy(_ source: any DatabaseReader, to path: String) throws -> Int64 {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            throw RegistryError(
                .file, zh: "\(path) 已存在：备份不覆盖已有文件，请换一个文件名",
                en: "\(path) exists: a backup never overwrites; choose another name")
        }
        let partial = path + ".part"
        try? manager.removeItem(atPath: partial)
        guard manager.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw RegistryError(.file, zh: "无法写入 \(path)", en: "cannot write \(path)")
        }
        do {
            let destination = try DatabaseQueue(path: partial)
            // In steps of 1,000 pages: between steps the source's writers go on (a pool's writer is never blocked
            // by a reader anyway; a queue's waits for one step, not for the whole copy).
            try source.backup(to: destination, pagesPerStep: 1000)
            let check = try destination.read { try String.fetchOne($0, sql: "PRAGMA quick_check") }
            try destination.close()
            guard check == "ok" else {
                throw RegistryError(
                    .file, zh: "备份校验未通过：\(check ?? "")", en: "the copy failed its check: \(check ?? "")")
            }
            try manager.moveItem(atPath: partial, toPath: path)
        } catch {
            try? manager.removeItem(atPath: partial)
            throw error
        }
        return (try manager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }
}

extension Registry {
    /// A consistent copy of this registry at `path` (`Backup.copy`), while others go on writing.
    @discardableResult
    public func backup(to path: String) throws -> Int64 { try Backup.copy(writer, to: path) }
}
