import Crypto
import Foundation
import NIOCore
import PostgresNIO
import RegistryCore

/// A server's replica shared through the database, for processes on machines that have none of their own.
///
/// A kept replica (`ReplicaFile`) makes every run after the first on a machine ready in about a second; the first
/// run on a new machine (a new server, a cron `merge` on another host, a laptop after a disk failure) had to rebuild
/// the county from the whole log: 31 s at 1M entries (docs/PERFORMANCE.md), minutes for a province. So a running
/// server now and then copies its replica (`VACUUM INTO`, a consistent file) into `replica_snapshot`, and a process
/// with no usable replica of its own takes the newest one for its build and the county's epoch, checks it (size,
/// SHA-256, the log's entry at its `seq` still the one it applied, the same checks as a kept file) and catches up from
/// its `seq`. Whatever goes wrong with a snapshot, the process builds from the log as before.
struct ReplicaSnapshot: Sendable, Equatable {
    var id: Int64
    var seq: Int64
    var seqClock: Int64
    var size: Int64
    var sha256: String
    var parts: Int

    /// Lock key (fixed forever): one process shares at a time; another one finding it taken skips its turn.
    static let lock: Int64 = 0x636F_756E_7479_0003
}

extension PostgresStore {
    /// What a server runs beside its work on PostgreSQL until it stops: builds or catches up its replica
    /// (`prepareReads`), then shares it when enough is new, now and every `seconds`.
    public func keepReadsReady(sharingEvery seconds: Double = 300) async {
        await prepareReads()
        while !Task.isCancelled {
            await shareReplica()
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        }
    }

    /// Brings the replica up to date and shares a copy of it when the newest snapshot is `everyEntries` or more
    /// behind (or there is none). 10,000 by default: catching up on 10,000 entries takes about 0.4 s here, and a
    /// snapshot costs a copy of the whole replica. A server calls it after its replica is ready and then every few
    /// minutes. Returns the snapshot's `seq`, or nil when none was written (not needed, another process sharing, or a
    /// failure, logged).
    ///
    /// Stored in parts of `partSize` bytes, 2 MB by default: each part is copied four or five times on its way (file,
    /// buffer, bind, socket), so parts of 8 MB raised a serving process' peak memory by 53 MB while it shared (152 ->
    /// 205 MB, a 500k-entry county); the extra round trips of smaller parts cost little.
    @discardableResult
    public func shareReplica(everyEntries: Int64 = 10_000, partSize: Int = 2 << 20) async -> Int64? {
        let started = Date()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sync-server-snapshot-" + UUID().uuidString + ".sqlite"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            guard ReplicaFile.createPrivate(path) else {
                throw RegistryError(nil, zh: "无法创建副本的快照文件", en: "the replica's snapshot file could not be created")
            }
            let epoch = try await settings().epoch
            let newest = try await newestSnapshot(epoch: epoch)?.seq ?? 0
            guard let copied = try await replica.copy(self, to: path, ifPast: newest + everyEntries - 1) else {
                return nil
            }
            guard
                try await storeSnapshot(
                    path: path, seq: copied.seq, seqClock: copied.clock, epoch: epoch, partSize: partSize)
            else { return nil }
            logger.info(
                "replica shared",
                metadata: [
                    "seq": "\(copied.seq)",
                    "bytes": "\((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)",
                    "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                ])
            return copied.seq
        } catch {
            logger.warning("replica not shared", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The newest snapshot this build can open for `epoch`.
    func newestSnapshot(epoch: String) async throws -> ReplicaSnapshot? {
        var binds = PostgresBindings()
        binds.append(ReplicaFile.format)
        binds.append(epoch)
        for try await (id, seq, seqClock, size, sha256, parts) in try await client.query(
            .sql(
                """
                SELECT id, seq, seq_hlc, size, sha256, parts FROM replica_snapshot
                WHERE format = $1 AND epoch = $2 ORDER BY seq DESC, id DESC LIMIT 1
                """, binds), logger: logger
        ).decode((Int64, Int64, Int64, Int64, String, Int32).self) {
            return ReplicaSnapshot(
                id: id, seq: seq, seqClock: seqClock, size: size, sha256: sha256, parts: Int(parts))
        }
        return nil
    }

    /// Stores the replica copy at `path` as the newest snapshot, in one transaction, and drops the older ones of this
    /// build (and any of another epoch). False when another process holds the sharing lock.
    func storeSnapshot(
        path: String, seq: Int64, seqClock: Int64, epoch: String, partSize: Int
    ) async throws -> Bool {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw RegistryError(nil, zh: "无法读取副本的快照", en: "the replica's snapshot could not be read")
        }
        defer { try? file.close() }
        let size = Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0)
        let parts = Int((size + Int64(partSize) - 1) / Int64(partSize))
        let logger = logger
        return try await transaction { connection in
            var taken = false
            for try await locked in try await connection.query(
                .sql("SELECT pg_try_advisory_xact_lock(\(ReplicaSnapshot.lock))"), logger: logger
            ).decode(Bool.self) {
                taken = locked
            }
            guard taken else { return false }
            var binds = PostgresBindings()
            binds.append(ReplicaFile.format)
            binds.append(epoch)
            binds.append(seq)
            binds.append(seqClock)
            binds.append(size)
            binds.append(Int32(parts))
            var id: Int64 = 0
            for try await value in try await connection.query(
                .sql(
                    """
                    INSERT INTO replica_snapshot (format, epoch, seq, seq_hlc, size, sha256, parts)
                    VALUES ($1, $2, $3, $4, $5, '', $6) RETURNING id
                    """, binds), logger: logger
            ).decode(Int64.self) {
                id = value
            }
            var hash = SHA256()
            for part in 0..<parts {
                let data = try file.read(upToCount: partSize) ?? Data()
                hash.update(data: data)
                var binds = PostgresBindings()
                binds.append(id)
                binds.append(Int32(part))
                binds.append(ByteBuffer(data: data))
                try await connection.query(
                    .sql("INSERT INTO replica_snapshot_part (snapshot, part, data) VALUES ($1, $2, $3)", binds),
                    logger: logger)
            }
            var last = PostgresBindings()
            last.append(id)
            last.append(ReplicaSnapshot.hex(hash.finalize()))
            last.append(ReplicaFile.format)
            last.append(epoch)
            try await connection.query(
                .sql("UPDATE replica_snapshot SET sha256 = $2 WHERE id = $1", last), logger: logger)
            // Older snapshots of this build, any of another epoch (a restore made them useless), and other builds'
            // after a week (a rolling upgrade may still read theirs meanwhile).
            try await connection.query(
                .sql(
                    """
                    DELETE FROM replica_snapshot WHERE id <> $1
                    AND (format = $3 OR epoch <> $4 OR taken_at < now() - interval '7 days')
                    """, last), logger: logger)
            return true
        }
    }

    /// Writes `snapshot` to `path`, part by part. False when it is not whole (a part missing) or does not match its
    /// size and SHA-256; the file is then to be removed.
    func fetchSnapshot(_ snapshot: ReplicaSnapshot, to path: String) async throws -> Bool {
        guard ReplicaFile.createPrivate(path), let file = FileHandle(forWritingAtPath: path)
        else { return false }
        defer { try? file.close() }
        let logger = logger
        return try await transaction { connection in
            // One view of the database for every part, even if a newer snapshot replaces this one meanwhile.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            @Sendable func part(_ number: Int) async throws -> ByteBuffer? {
                var binds = PostgresBindings()
                binds.append(snapshot.id)
                binds.append(Int32(number))
                var data: ByteBuffer?
                for try await row in try await connection.query(
                    .sql("SELECT data FROM replica_snapshot_part WHERE snapshot = $1 AND part = $2", binds),
                    logger: logger
                ).decode(ByteBuffer.self) {
                    data = row
                }
                return data
            }
            // A part at a time, the next one read while this one is hashed and written: at most two in memory (a
            // single query streaming every part buffers as many rows as PostgresNIO's adaptive buffer lets in).
            var hash = SHA256()
            var size: Int64 = 0
            var next: Task<ByteBuffer?, any Error>? = snapshot.parts > 0 ? Task { try await part(0) } : nil
            var whole = true
            do {
                for number in 0..<snapshot.parts {
                    guard let data = try await next?.value else {
                        whole = false
                        break
                    }
                    next = number + 1 < snapshot.parts ? Task { try await part(number + 1) } : nil
                    data.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
                    try file.write(contentsOf: data.readableBytesView)
                    size += Int64(data.readableBytes)
                }
            } catch {
                _ = try? await next?.value  // nothing left running on the connection when the transaction ends
                throw error
            }
            _ = try? await next?.value  // nothing left running on the connection when the transaction ends
            return whole && size == snapshot.size && ReplicaSnapshot.hex(hash.finalize()) == snapshot.sha256
        }
    }
}

extension ReplicaSnapshot {
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String($0, radix: 16).leftPadded2 }.joined()
    }
}
