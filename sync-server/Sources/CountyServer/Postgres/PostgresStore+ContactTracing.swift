import PostgresNIO
import RegistryCore

extension PostgresStore {
    /// The persons around whom `changes` (just written) may have made a contact visible, read from PostgreSQL: the
    /// same lookups as `CountyDatabase.tracingCandidates`, which runs them on the replica. A push group asks this
    /// first so that it catches the replica up (every entry read back and applied again) only when a lead may follow:
    /// a push of persons nobody has named, the usual one, then costs no catch-up.
    func tracingCandidates(_ changes: [Change]) async throws -> Set<String> {
        let keys = TracingKeys(changes)
        func column(_ sql: String, _ keys: [String]) async throws -> [String] {
            guard !keys.isEmpty else { return [] }
            var binds = PostgresBindings()
            binds.append(Array(Set(keys)))
            var out: [String] = []
            for try await value in try await client.query(.sql(sql, binds), logger: logger).decode(String.self) {
                out.append(value)
            }
            return out
        }
        var candidates = Set(try await column("SELECT person_id FROM lab_test WHERE id = ANY($1)", keys.tests))
        candidates.formUnion(try await column("SELECT person_id FROM contact WHERE id = ANY($1)", keys.contacts))
        let named = try await column("SELECT id_number FROM contact WHERE id = ANY($1)", keys.contacts)
        candidates.formUnion(try await column("SELECT id FROM person WHERE id_number = ANY($1)", named))
        let registered =
            keys.idNumbers
            + (try await column("SELECT id_number FROM person WHERE id = ANY($1)", keys.personsWithoutNumber))
        candidates.formUnion(
            try await column("SELECT person_id FROM contact WHERE id_number = ANY($1) AND deleted = 0", registered))
        return candidates
    }
}
