import GRDB

extension Registry {
    /// The lead a clerk names: by the id number, phone or name it carries, as they read it on the work list, or by
    /// its record id. Among several for the same person the open one is meant (a closed lead is history); several
    /// open ones are listed so that the clerk can pick by id.
    static func lead(_ db: Database, _ query: String) throws -> Lead {
        let q = query.trimmed
        if let lead = try Lead.fetchOne(db, key: q), !lead.deleted { return lead }
        let idForm = q.asciiCompacted.uppercased()
        let matches = try Lead.filter(
            (Lead.Columns.idNumber == idForm || Lead.Columns.phone == idForm || Lead.Columns.name == q)
                && Lead.Columns.deleted == false
        ).fetchAll(db)
        let open = matches.filter { $0.outcome == nil }
        if open.count > 1 {
            let listed = open.map { "\($0.id)（\($0.name)，截止 \($0.deadline)）" }.joined(separator: "；")
            throw RegistryError(
                .lead, zh: "“\(query)”对应 \(open.count) 条未关闭的核查任务，请用任务编号：\(listed)",
                en: "\"\(query)\" matches \(open.count) open leads; give one of their ids: "
                    + open.map(\.id).joined(separator: ", "))
        }
        guard let lead = open.first ?? matches.first else {
            throw RegistryError(.lead, zh: "找不到核查任务“\(query)”", en: "no lead matches \"\(query)\"")
        }
        return lead
    }

    /// The lead a clerk names (as `lead(_:_:)`), refused when it is already closed.
    static func openLead(_ db: Database, _ query: String) throws -> Lead {
        let lead = try Registry.lead(db, query)
        if let outcome = lead.outcome {
            throw RegistryError(
                .lead, zh: "该任务已关闭（\(outcome.chinese)）", en: "this lead is already closed (\(outcome.rawValue))")
        }
        return lead
    }
}
