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
    /// A person's measure arriving escalated (key: the person's id).
    case personEscalated = "person_escalated"
    /// A positive result arriving from a village (key: the lab test's id). The county's own lab import is stamped by
    /// its own clock in the log.
    case positiveResult = "positive_result"
}

extension CountyStore {
    /// Notes what a page going down to a village carries: its leads are received now.
    func notePulled(_ changes: [Change]) async throws {
        let leads = changes.filter { $0.table == Lead.databaseTableName }.map(\.pk)
        if !leads.isEmpty { try await noteFirstSeen([.leadReceived: leads]) }
    }

    /// Notes what a village's push brought that the clocks measure: leads' outcomes, positive results, and persons
    /// put under a measure, in one write. Changes the county refused count for nothing.
    func notePushed(_ request: Wire.PushRequest, _ ack: Wire.PushResponse) async throws {
        let refused = Set(ack.rejected.map(\.originSeq))
        let kept = request.changes.filter { !refused.contains($0.originSeq) }
        var sightings: [FirstSeen: [String]] = [:]
        sightings[.leadOutcome] = kept.filter {
            $0.table == Lead.databaseTableName && !($0.columns.values["outcome"]?.isNull ?? true)
        }.map(\.pk)
        sightings[.positiveResult] = kept.filter {
            $0.table == LabTest.databaseTableName && $0.columns.values["result"]?.stringValue == "positive"
        }.map(\.pk)
        let inForce: Set<String> = ["active", "extended", "escalated"]
        let measures = kept.filter {
            $0.table == Measure.databaseTableName
                && ($0.columns.values["status"]?.stringValue).map(inForce.contains) == true
        }
        if !measures.isEmpty {
            // A change carries the columns that changed: a new measure names its person, an escalation may not.
            let unnamed = measures.filter { $0.columns.values["person_id"] == nil }.map(\.pk)
            let looked = unnamed.isEmpty ? [:] : try await reading { try $0.persons(ofMeasures: unnamed) }
            func persons(_ changes: [Change]) -> [String] {
                changes.compactMap { $0.columns.values["person_id"]?.stringValue ?? looked[$0.pk] }
            }
            sightings[.personMeasured] = persons(measures)
            sightings[.personEscalated] = persons(
                measures.filter { $0.columns.values["status"]?.stringValue == "escalated" })
        }
        try await noteFirstSeen(sightings)
    }
}
