import Foundation

extension PersonFile {
    /// The person as `show --format json` prints it; field names are a fixed interface (DESIGN.md).
    public struct JSONView: Encodable, Sendable {
        public var id: String
        public var id_number: String
        public var id_type: String
        public var name: String
        public var sex: String?
        public var birth_date: String?
        public var phone: String?
        public var address: String?
        public var village: String
        public var category: String?
        public var health_code: String?
        public var policy: String?
        public var day_zero: String?
        public var arrived_on: String?
        public var measure: MeasureView?
        public var tests: [TestView]
        public var checks: [CheckView]
        public var trips: [TripView]
        /// The household's other members (`household_key` is what they share).
        public var household_key: String
        public var household: [MemberView]
        public var links: [LinkView]
    }

    public struct MemberView: Encodable, Sendable {
        public var id_number: String
        public var name: String
    }

    /// One contact link: `direction` is `named` (recorded on this person) or `named_by` (the other recorded it).
    public struct LinkView: Encodable, Sendable {
        public var relation: String
        public var id_number: String
        public var name: String?
        public var direction: String
        public var registered_here: Bool
        public var last_contact_on: String?
        public var recorded_at: String
    }

    public struct MeasureView: Encodable, Sendable {
        public var status: String
        public var phases: [PhaseView]
        public var released_on: String?
        public var events: [EventView]
    }

    public struct PhaseView: Encodable, Sendable {
        public var kind: String
        public var starts_on: String
        public var ends_on: String
    }

    public struct TestView: Encodable, Sendable {
        public var due_on: String?
        public var sampled_on: String?
        public var result: String
        public var result_on: String?
        /// The laboratory, when a result came from one (the county's import writes it).
        public var lab: String?
    }

    public struct CheckView: Encodable, Sendable {
        public var taken_at: String
        public var temperature: Double
        /// Symptom codes (what the figures count) and the clerk's words, when kept.
        public var symptoms: [String]
        public var symptoms_written: String?
        public var flagged: Bool
    }

    public struct EventView: Encodable, Sendable {
        public var action: String
        public var on_date: String
        public var actor: String
        public var reason: String
        public var recorded_at: String
    }

    public struct TripView: Encodable, Sendable {
        public var arrival_id: String
        public var arrived_on: String
        public var departed_on: String
        public var day_zero: String
        public var category: String
        public var policy: String
        public var source: String
        public var health_code: String?
        public var stays: [StayView]
        public var measure: MeasureView
        public var tests: [TestView]
    }

    public struct StayView: Encodable, Sendable {
        public var code: String
        public var name: String
        public var from: String?
        public var to: String
    }

    /// The JSON view: the current (latest) trip's category, policy, measure and tests at the top level, every
    /// trip under `trips`.
    public var jsonView: JSONView {
        func measureView(_ trip: Trip) -> MeasureView {
            MeasureView(
                status: trip.measure.status.rawValue,
                phases: trip.measure.phases.map {
                    PhaseView(kind: $0.kind.rawValue, starts_on: "\($0.startsOn)", ends_on: "\($0.endsOn)")
                },
                released_on: trip.measure.releasedOn?.description,
                events: trip.events.map {
                    EventView(
                        action: $0.action.rawValue, on_date: "\($0.onDate)", actor: $0.actor,
                        reason: $0.reason, recorded_at: $0.recordedAt)
                })
        }
        func testViews(_ trip: Trip) -> [TestView] {
            trip.tests.map {
                TestView(
                    due_on: $0.dueOn?.description, sampled_on: $0.sampledOn?.description,
                    result: $0.result.rawValue, result_on: $0.resultOn?.description, lab: $0.lab)
            }
        }
        let trips = self.trips.map { trip in
            TripView(
                arrival_id: trip.arrival.id, arrived_on: "\(trip.arrival.arrivedOn)",
                departed_on: "\(trip.arrival.departedOn)", day_zero: "\(trip.arrival.dayZero)",
                category: trip.arrival.category.rawValue, policy: trip.arrival.policy,
                source: trip.arrival.source.rawValue, health_code: trip.arrival.healthCode?.rawValue,
                stays: trip.arrival.stays.map {
                    StayView(code: $0.code, name: $0.name, from: $0.from?.description, to: "\($0.to)")
                },
                measure: measureView(trip), tests: testViews(trip))
        }
        return JSONView(
            id: person.id, id_number: person.idNumber, id_type: person.idType.rawValue, name: person.name,
            sex: person.sex?.rawValue, birth_date: person.birthDate?.description, phone: person.phone,
            address: person.address, village: person.village, category: current?.arrival.category.rawValue,
            health_code: current?.arrival.healthCode?.rawValue,
            policy: current?.arrival.policy, day_zero: current?.arrival.dayZero.description,
            arrived_on: current?.arrival.arrivedOn.description, measure: current.map(measureView),
            tests: current.map(testViews) ?? [],
            checks: checks.map {
                CheckView(
                    taken_at: $0.takenAt, temperature: $0.temperature,
                    symptoms: $0.symptoms.split(separator: ",").map(String.init),
                    symptoms_written: $0.symptomsWritten, flagged: $0.flagged)
            },
            trips: trips, household_key: person.householdKey,
            household: household.map { MemberView(id_number: $0.idNumber, name: $0.name) },
            links: links.map {
                LinkView(
                    relation: $0.contact.relation.rawValue, id_number: $0.idNumber, name: $0.name,
                    direction: $0.recordedHere ? "named" : "named_by", registered_here: $0.other != nil,
                    last_contact_on: $0.contact.lastContactOn?.description, recorded_at: $0.contact.createdAt)
            })
    }
}

/// JSON as the CLI prints it: pretty, keys sorted, no escaped slashes.
public enum JSONText {
    /// Encodes `value` for printing.
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
