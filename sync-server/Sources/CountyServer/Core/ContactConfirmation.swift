import RegistryCore

extension CountyStore {
    public func confirmContactLead(_ id: String, by officer: String) async throws -> Lead {
        try await writing { try $0.confirmContactLead(id, by: officer) }
    }
}
