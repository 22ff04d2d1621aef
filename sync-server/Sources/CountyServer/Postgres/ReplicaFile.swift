import Foundation
import GRDB
import RegistryCore

#if canImport(Glibc)
    import Glibc
#endif

/// Where a PostgreSQL store's replica lives between runs. A replica rebuilt at every start costs a pass over the
/// whole log (37 s for 500k entries, minutes for a province), so the file is kept in a directory of its own and a
/// process that finds one valid catches up only on what was logged since it last ran.
///
/// One file per database and county (its site id), in numbered slots: each process takes the first slot no other
/// process holds (an advisory `flock`), so the server and a `sync-server merge` from cron each keep a replica of their
/// own and neither waits for the other. With every slot taken, or no directory to write in, the replica is a temporary
/// file as before.
public struct ReplicaFile {
    static let slots = 8
    let path: String
    /// Kept for the file's lifetime: its lock is the slot.
    private let lockDescriptor: Int32?
    let persistent: Bool

    /// The directory replicas are kept in: `$SYNC_SERVER_REPLICA_DIR`, else the user's cache directory.
    public static func directory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let dir = environment["SYNC_SERVER_REPLICA_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            return URL(fileURLWithPath: cache).appendingPathComponent("sync-server/replicas")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home).appendingPathComponent(".cache/sync-server/replicas")
        }
        return nil
    }

    /// The name a database's replica files start with: the database (host, port and name, never the password) and
    /// the county's site id, hashed, so that two counties or two databases never share a file.
    static func stem(location: String, site: String) -> String {
        let components = URLComponents(string: location)
        let key = [components?.host ?? "", "\(components?.port ?? 5432)", components?.path ?? "", site]
            .joined(separator: "|")
        return "replica-" + key.sha256Hex.prefix(24)
    }

    /// Takes the first free slot for `stem` in `directory`; a temporary file when there is none.
    static func take(stem: String, in directory: URL?) -> ReplicaFile {
        if let directory,
            (try? FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil
        {
            for slot in 0..<slots {
                let base = directory.appendingPathComponent("\(stem)-\(slot)").path
                let fd = open(base + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
                guard fd >= 0 else { break }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                    return ReplicaFile(path: base + ".sqlite", lockDescriptor: fd, persistent: true)
                }
                close(fd)
            }
        }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sync-server-replica-" + UUID().uuidString + ".sqlite")
        createPrivate(temporary.path)
        return ReplicaFile(path: temporary.path, lockDescriptor: nil, persistent: false)
    }

    /// Creates `path` empty, readable by this user only: a replica holds every person of the county, and SQLite gives
    /// its WAL the database file's mode. (SQLite takes an empty file as a new database; `VACUUM INTO` writes into one.)
    @discardableResult
    static func createPrivate(_ path: String) -> Bool {
        FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
    }

    /// Removes the database file and its WAL; the replica starts again from an empty file, this user's only.
    func remove(recreating: Bool = true) {
        ReplicaFile.remove(path)
        if recreating { ReplicaFile.createPrivate(path) }
    }

    /// Removes the SQLite database at `path` and its WAL.
    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Gives the slot back; a temporary file is removed.
    func release() {
        if !persistent { remove(recreating: false) }
        if let lockDescriptor { close(lockDescriptor) }
    }

    /// What a kept replica must match to be used again: the tables and columns this build applies and the county
    /// schema's migrations. A build that knows a column an older one left out rebuilds, so the column is filled.
    static let format: String = {
        let tables = SyncedRules.tables.keys.sorted().map { table in
            table + ":" + SyncedRules.tables[table]!.keys.sorted().joined(separator: ",")
        }
        let text = (tables + CountyDatabase.migrator.migrations).joined(separator: ";")
        return String(text.sha256Hex.prefix(24))
    }()

    /// The keys of the replica's own bookkeeping, in its `setting` table.
    enum Key {
        /// The last PostgreSQL `seq` applied, and that entry's clock (a restored or replaced database is told by it).
        static let seq = "replica_seq", seqClock = "replica_seq_hlc"
        static let format = "replica_format"
        /// Set while a county write runs and is sent: a replica left with it set may hold a write PostgreSQL lacks.
        static let writing = "replica_writing"
    }
}
