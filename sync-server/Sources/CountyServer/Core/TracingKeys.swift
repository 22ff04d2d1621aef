import RegistryCore

/// What a county looks up to find who a push may have made a contact visible around (`tracingCandidates`, one per
/// store): the tests' and contacts' ids, the id numbers of the persons pushed with one, and the persons pushed
/// without one (an edit of another column), whose number is read back. One pass over the push; only well-formed ids
/// (a refused change may carry anything, and PostgreSQL refuses a NUL byte).
struct TracingKeys {
    var tests: [String] = []
    var contacts: [String] = []
    var idNumbers: [String] = []
    var personsWithoutNumber: [String] = []

    init(_ changes: [Change]) {
        // The table first: most of a push is health checks and arrivals, whose ids need no check here.
        for change in changes where SyncScope.contactTracingTables.contains(change.table) {
            guard ColumnRule.isIdentifier(change.pk) else { continue }
            switch change.table {
            case LabTest.databaseTableName: tests.append(change.pk)
            case Contact.databaseTableName: contacts.append(change.pk)
            case Person.databaseTableName:
                if let number = change.columns.values["id_number"]?.stringValue, ColumnRule.isIdentifier(number) {
                    idNumbers.append(number)
                } else {
                    personsWithoutNumber.append(change.pk)
                }
            default: break
            }
        }
    }
}
