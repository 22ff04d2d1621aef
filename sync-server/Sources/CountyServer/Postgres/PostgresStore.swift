import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import RegistryCore
import RegistrySync

/// The county's state in PostgreSQL (`--db postgres://user[:password]@host[:port]/database`). Several server
/// processes may serve one database: every write of the change log holds the log lock until it commits (see
/// `PostgresStore+Sync.swift`), and each process keeps a replica for the county's reads (`PostgresStore+Replica.swift`).
public final class PostgresStore: CountyStore, GroupCommitting {
    public let clock: RegistryClock
    /// The database's URL, as given.
    public let location: String
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    /// Pushes waiting for this process's writer, applied in group commits (see `PushGroups`).
    let pushes = PushGroups(inFlight: 2)
    /// When each village's last contact was written by this process (`ContactThrottle`).
    let contacts = ContactThrottle()
    /// Recently checked tokens (see `TokenCache`), in use while `revocations` listens.
    let tokenCache = TokenCache()
    /// Listens for revocations from any process; started by the first token check (a server, not a CLI command).
    private let revocations = NIOLockedValueBox<Task<Void, Never>?>(nil)
    /// The channel a revocation is announced on (`NOTIFY`), in the same transaction as the revocation.
    static let revokedChannel = "sync_server_token_revoked"
    let replica: Replica

    private init(location: String, client: PostgresClient, clock: RegistryClock, logger: Logger, replicas: URL?) {
        self.location = location
        self.client = client
        self.clock = clock
        self.logger = logger
        runner = Task { await client.run() }
        replica = Replica(clock: clock, directory: replicas)
    }

    /// Connects to the database `url` names and brings its schema up to date (refusing one newer than this build).
    /// The replica is kept in `replicas` between runs (`ReplicaFile`; nil: a temporary file).
    public static func open(
        url: String, clock: RegistryClock, logger: Logger = Logger(label: "sync-server.postgres"),
        replicas: URL? = ReplicaFile.directory()
    ) async throws -> PostgresStore {
        let configuration = try configuration(url)
        do {
            try await checkLogin(url, logger: logger)
        } catch {
            throw PostgresStore.refusal(error, url: url)
        }
        let store = PostgresStore(
            location: url, client: PostgresClient(configuration: configuration), clock: clock, logger: logger,
            replicas: replicas)
        do {
            try await PostgresSchema.migrate(store.client, logger: logger)
        } catch {
            await store.close()
            throw PostgresStore.refusal(error, url: url)
        }
        return store
    }

    /// Logs in once with a connection of its own, so that a wrong password, user, database or host is refused with the
    /// server's own words (the pool reports only that it could not connect).
    static func checkLogin(_ url: String, logger: Logger) async throws {
        let location = try Location(url)
        let tls: PostgresConnection.Configuration.TLS =
            switch location.sslMode {
            case "require", "verify-full": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case "prefer": .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: .disable
            }
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.user,
                password: location.password, database: location.database, tls: tls),
            id: 0, logger: logger
        ).get()
        try await connection.close()
    }

    /// The parts of a `postgres://user[:password]@host[:port]/database[?sslmode=require]` URL.
    struct Location {
        var host: String
        var port: Int
        var user: String
        var password: String?
        var database: String?
        var sslMode: String

        init(_ url: String) throws {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
                let user = components.user, !user.isEmpty
            else {
                throw RegistryError(
                    nil, zh: "数据库地址应为 postgres://用户[:密码]@主机[:端口]/数据库",
                    en: "the database URL must be postgres://user[:password]@host[:port]/database")
            }
            let database = String(components.path.drop(while: { $0 == "/" }))
            self.host = host
            port = components.port ?? 5432
            self.user = user.removingPercentEncoding ?? user
            password = components.password?.removingPercentEncoding
            self.database = database.isEmpty ? nil : database
            sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        }
    }

    /// The pool's settings for a `postgres://user[:password]@host[:port]/database[?sslmode=require]` URL.
    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        let location = try Location(url)
        let tls: PostgresClient.Configuration.TLS =
            switch location.sslMode {
            case "require", "verify-full": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user,
            password: location.password, database: location.database, tls: tls)
        configuration.options.maximumConnections = 16
        return configuration
    }

    /// Runs `body` in a transaction; an error thrown inside comes out as itself (postgres-nio wraps it).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    /// A connection or database error as one line for the operator (never the password).
    static func refusal(_ error: any Error, url: String) -> any Error {
        if let wrapped = error as? PostgresTransactionError {
            return refusal(
                wrapped.closureError ?? wrapped.commitError ?? wrapped.beginError
                    ?? RegistryError(nil, zh: "事务失败", en: "a transaction failed"), url: url)
        }
        if error is RegistryError { return error }
        let host =
            URLComponents(string: url).map { "\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")\($0.path)" } ?? ""
        // The server's own words when it answered; else why no connection was made (refused, unknown host, timeout).
        let psql = error as? PSQLError
        let detail =
            psql?.serverInfo?[.message] ?? psql?.underlying.map { String(describing: $0) }
            ?? String(describing: type(of: error))
        return RegistryError(
            nil, zh: "无法使用 PostgreSQL 数据库 \(host)：\(detail)",
            en: "cannot use the PostgreSQL database \(host): \(detail)")
    }

    public func lastLogSeq() async throws -> Int64 {
        for try await seq in try await client.query("SELECT COALESCE(max(seq), 0) FROM change_log", logger: logger)
            .decode(Int64.self)
        { return seq }
        return 0
    }

    public func close() async {
        if let listening = revocations.withLockedValue({ $0 }) {
            listening.cancel()
            _ = await listening.value
        }
        runner.cancel()
        _ = await runner.value
        await replica.close()
    }

    // MARK: Settings

    func setting(_ key: CountySetting, on connection: PostgresConnection? = nil) async throws -> String? {
        var binds = PostgresBindings()
        binds.append(key.rawValue)
        let query = PostgresQuery.sql("SELECT value FROM setting WHERE key = $1", binds)
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else {
                try await client.query(query, logger: logger)
            }
        for try await value in rows.decode(String.self) { return value }
        return nil
    }

    /// Sets one of the county's settings; nil removes it.
    func setSetting(_ key: CountySetting, _ value: String?, on connection: PostgresConnection) async throws {
        var binds = PostgresBindings()
        binds.append(key.rawValue)
        guard let value else {
            try await connection.query(.sql("DELETE FROM setting WHERE key = $1", binds), logger: logger)
            return
        }
        binds.append(value)
        try await connection.query(
            .sql(
                "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                binds), logger: logger)
    }

    /// Every stored setting, by key.
    func settingValues() async throws -> [String: String] {
        var values: [String: String] = [:]
        for try await (key, value) in try await client.query("SELECT key, value FROM setting", logger: logger).decode(
            (String, String).self)
        {
            values[key] = value
        }
        return values
    }

    public func settings() async throws -> CountySettings {
        try CountySettings(try await settingValues())
    }

    public func initialize(region code: String, level: RegionLevel, name: String) async throws -> CountySettings {
        let (region, name) = try level.checkSetup(code: code, name: name)
        try await transaction { connection in
            try await connection.query(.sql("SELECT pg_advisory_xact_lock(\(PostgresSchema.logLock))"), logger: logger)
            var stored: [CountySetting: String] = [:]
            for key in [CountySetting.region, .level, .site, .epoch] {
                stored[key] = try await setting(key, on: connection)
            }
            for (key, value) in try CountySettings.initial(region: region, level: level, name: name, stored: stored) {
                try await setSetting(key, value, on: connection)
            }
        }
        return try await settings()
    }

    public func newEpoch() async throws -> String {
        _ = try await settings()
        let epoch = UUID().uuidString.lowercased()
        try await transaction { connection in try await setSetting(.epoch, epoch, on: connection) }
        return epoch
    }

    public func deadline() async throws -> String { try await setting(.deadline) ?? CountySetting.defaultDeadline }

    public func setDeadline(_ text: String) async throws {
        _ = try LocalTimeOfDay(text, field: .deadline)
        try await transaction { connection in try await setSetting(.deadline, text, on: connection) }
    }

    // MARK: Tokens

    public func issueToken(village code: String) async throws -> String {
        let village = try Validate.areaCode(code, field: .village, lengths: [6, 12])
        let settings = try await settings()
        try TokenRules.checkHolder(
            village, settings: settings, regions: settings.level == .county ? [] : Set(try await regions().map(\.code)))
        let token = TokenRules.newToken()
        var binds = PostgresBindings()
        binds.append(UUID().uuidString.lowercased())
        binds.append(village)
        binds.append(TokenRules.hash(token))
        binds.append(clock.isoText(clock.now()))
        try await client.query(
            .sql("INSERT INTO token (id, village, hash, created_at) VALUES ($1, $2, $3, $4)", binds), logger: logger)
        return token
    }

    public func revokeTokens(village code: String, token: String?) async throws -> Int {
        let village = try Validate.areaCode(code, field: .village, lengths: [6, 12])
        var binds = PostgresBindings()
        binds.append(clock.isoText(clock.now()))
        binds.append(village)
        var sql = "UPDATE token SET revoked_at = $1 WHERE village = $2 AND revoked_at IS NULL"
        if let token {
            binds.append(TokenRules.hash(token))
            sql += " AND hash = $3"
        }
        // The update and its announcement in one statement (one transaction): a listening server empties its token
        // cache when the revocation commits, never before.
        var count = 0
        for try await _ in try await client.query(
            .sql(
                "WITH revoked AS (\(sql) RETURNING id) SELECT id, pg_notify('\(Self.revokedChannel)', '') FROM revoked",
                binds), logger: logger)
        {
            count += 1
        }
        return count
    }

    public func tokens() async throws -> [TokenLine] {
        var lines: [TokenLine] = []
        for try await (village, name, created, revoked, id, lastUsed) in try await client.query(
            .sql(TokenLine.sql), logger: logger
        ).decode((String, String?, String, String?, String, String?).self) {
            lines.append(
                TokenLine(
                    village: village, name: name, createdAt: created, revokedAt: revoked, id: id, lastUsed: lastUsed))
        }
        return lines
    }

    public func authenticate(_ token: String) async throws -> TokenHolder? {
        listenForRevocations()
        return try await tokenCache.holder(token: token) { [client, logger] hash in
            var binds = PostgresBindings()
            binds.append(hash)
            for try await (village, id) in try await client.query(
                .sql("SELECT village, id FROM token WHERE hash = $1 AND revoked_at IS NULL", binds),
                logger: logger
            ).decode((String, String).self) {
                return TokenHolder(village: village, tokenID: id)
            }
            return nil
        }
    }
}

extension PostgresStore {
    public func carriedKeys(village: String) async throws -> [CarriedKey] {
        var binds = PostgresBindings()
        binds.append(village)
        var keys: [CarriedKey] = []
        for try await (id, hash, revoked) in try await client.query(
            .sql("SELECT id, hash, revoked_at FROM token WHERE village = $1 ORDER BY created_at DESC", binds),
            logger: logger
        ).decode((String, String, String?).self) {
            if let key = CarriedKey(hash: hash, tokenID: id, revoked: revoked != nil) { keys.append(key) }
        }
        return keys
    }
}

extension PostgresStore {
    /// Starts, once, the listener that keeps the token cache in use: the cache is enabled only while a connection
    /// listens on `revokedChannel`, and emptied on each revocation and whenever listening stops or starts again.
    func listenForRevocations() {
        revocations.withLockedValue { task in
            guard task == nil else { return }
            task = Task { [client, tokenCache, logger] in
                while !Task.isCancelled {
                    do {
                        try await client.withConnection { connection in
                            try await connection.listen(on: Self.revokedChannel) { notifications in
                                tokenCache.setEnabled(true)
                                defer { tokenCache.setEnabled(false) }
                                for try await _ in notifications { tokenCache.clear() }
                            }
                        }
                    } catch {
                        tokenCache.setEnabled(false)
                        if Task.isCancelled { return }
                        logger.warning(
                            "token revocations: not listening, every token check asks the database",
                            metadata: ["error": "\(String(reflecting: error))"])
                        try? await Task.sleep(for: .seconds(2))
                    }
                }
            }
        }
    }
}

extension PostgresStore: TableCopying {
    public func rowCount(_ table: String) async throws -> Int {
        for try await n in try await client.query(.sql("SELECT count(*) FROM \(table)"), logger: logger).decode(
            Int64.self)
        { return Int(n) }
        return 0
    }

    public func rows(_ table: String, columns: [String], key: String, after: ColumnValue?, limit: Int) async throws
        -> [[ColumnValue]]
    {
        var binds = PostgresBindings()
        if let after { binds.append(after) }
        let condition = after == nil ? "" : " WHERE \(key) > $1"
        var rows: [[ColumnValue]] = []
        for try await row in try await client.query(
            .sql(
                "SELECT \(columns.joined(separator: ", ")), \(key) FROM \(table)\(condition) ORDER BY \(key) LIMIT \(limit)",
                binds), logger: logger)
        {
            rows.append(try row.map { try ColumnValue($0) })
        }
        return rows
    }

    public func insert(_ table: String, columns: [String], rows: [[ColumnValue]]) async throws {
        guard !rows.isEmpty else { return }
        try await transaction { connection in
            let perStatement = max(1, 30_000 / columns.count)
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                var binds = PostgresBindings()
                var tuples: [String] = []
                for row in rows[start..<min(start + perStatement, rows.count)] {
                    let base = binds.count
                    tuples.append("(" + (1...columns.count).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                    for value in row { binds.append(value) }
                }
                try await connection.query(
                    .sql(
                        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                            + tuples.joined(separator: ", "), binds),
                    logger: logger)
            }
        }
    }

    /// The log's sequence continues after the largest `seq` copied in.
    public func afterCopy() async throws {
        try await client.query(
            "SELECT setval(pg_get_serial_sequence('change_log', 'seq'), GREATEST((SELECT max(seq) FROM change_log), 1))",
            logger: logger)
    }
}
