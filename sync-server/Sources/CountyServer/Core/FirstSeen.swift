import Foundation
import RegistryCore
import RegistrySync

/// A step of the county's work the county saw done, first, by its own clock (`first_seen`): what the clocks on leads
/// are measured with, so that a laptop whose clock is wrong, or that was offline for a day, cannot make a late step
/// look on time.
public enum FirstSeen: String, Sendable, CaseIterable {
    /// A lead carried to its village: the first pull page or answer file that held it (key: the lead's id).
    case leadReceived = "lead_received"
    /// A lead's outcome arriving from its village (key: the lead's id).
    case leadOutcome = "lead_outcome"
    /// A person's measure arriving in force: active, extended or escalated (key: the person's id).
    case personMeasured = "person_measured"
}

extension CountyStore {
    /// Notes what a page going down to a village carries: its leads are received now.
    func notePulled(_ changes: [Change]) async throws {
        let leads = changes.filter { $0.table == Lead.databaseTableName }.map(\.pk)
        if !leads.isEmpty { try await noteFirstSeen(.leadReceived, keys: leads) }
    }

    /// Notes what a village's push brought that the clocks measure: leads' outcomes, and persons put under a
    /// measure. Changes the county refused count for nothing.
    func notePushed(_ request: Wire.PushRequest, _ ack: Wire.PushResponse) async throws {
        let refused = Set(ack.rejected.map(\.originSeq))
        let kept = request.changes.filter { !refused.contains($0.originSeq) }
        let outcomes = kept.filter {
            $0.table == Lead.databaseTableName && !($0.columns.values["outcome"]?.isNull ?? true)
        }.map(\.pk)
        if !outcomes.isEmpty { try await noteFirstSeen(.leadOutcome, keys: outcomes) }
        let inForce: Set<String> = ["active", "extended", "escalated"]
        let measures = kept.filter {
            $0.table == Measure.databaseTableName
                && ($0.columns.values["status"]?.stringValue).map(inForce.contains) == true
        }
        guard !measures.isEmpty else { return }
        // A change carries the columns that changed: a new measure names its person, an escalation may not.
        var persons = measures.compactMap { $0.columns.values["person_id"]?.stringValue }
        let unnamed = measures.filter { $0.columns.values["person_id"] == nil }.map(\.pk)
        if !unnamed.isEmpty { persons += try await reading { try $0.persons(ofMeasures: unnamed) } }
        if !persons.isEmpty { try await noteFirstSeen(.personMeasured, keys: persons) }
    }
}
