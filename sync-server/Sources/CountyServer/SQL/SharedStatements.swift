// Statements both stores send as they are: SQL that SQLite and PostgreSQL read alike, written once. Every other
// statement lives with its store, under SQLite/ or Postgres/.

/// One statement for both stores; `?` for SQLite, `$n` for PostgreSQL.
enum UnmatchedSQL {
    static let columns = "id_number, sampled_on, name, phone, result, lab, imported_at, lead_village"
    static func upsert(_ marks: [String]) -> String {
        """
        INSERT INTO lab_unmatched (\(columns)) VALUES (\(marks.joined(separator: ", ")))
        ON CONFLICT (id_number, sampled_on) DO UPDATE SET name = excluded.name, phone = coalesce(excluded.phone, lab_unmatched.phone),
          result = excluded.result, lab = coalesce(excluded.lab, lab_unmatched.lab), imported_at = excluded.imported_at,
          lead_village = coalesce(excluded.lead_village, lab_unmatched.lead_village)
        """
    }
    static let select = "SELECT \(columns) FROM lab_unmatched ORDER BY sampled_on DESC, id_number"
}

extension TokenLine {
    /// The statement both stores list tokens with.
    static let sql = """
        SELECT t.village, COALESCE(v.name, r.name) AS name, t.created_at, t.revoked_at, t.id,
          (SELECT max(c.updated_at) FROM site_cursor c WHERE c.token_id = t.id) AS last_used FROM token t
        LEFT JOIN village v ON v.code = t.village AND v.deleted = 0 LEFT JOIN region r ON r.code = t.village
        ORDER BY t.village, t.created_at
        """
}
