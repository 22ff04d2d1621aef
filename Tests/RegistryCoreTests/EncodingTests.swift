import Foundation
import GRDB
import Testing

@testable import RegistryCore

@Suite("Hand-written record encoding and decoding agree with Codable")
struct EncodingTests {
    @Test("phases and stays JSON: written by hand, read by JSONDecoder and by the fast reader alike")
    func phasesAndStays() throws {
        let phases = [
            Phase(kind: .centralQuarantine, startsOn: day("2022-07-02"), endsOn: day("2022-07-08")),
            Phase(kind: .homeHealthMonitoring, startsOn: day("2022-07-09"), endsOn: day("2022-07-11")),
        ]
        let measure = Measure(
            id: "m", village: "110105001001", personId: "p", arrivalId: "a", status: .active, phases: phases,
            startsOn: phases.first?.startsOn, endsOn: phases.last?.endsOn, releasedOn: nil, orderedBy: "x",
            reason: "r", deleted: false)
        let values = try measure.databaseDictionary
        let json = try #require(String.fromDatabaseValue(values["phases"]!))
        #expect(try JSONDecoder().decode([Phase].self, from: Data(json.utf8)) == phases)
        #expect(try Phase.list(fromJSON: json) == phases)
        #expect(try Phase.list(fromJSON: "[]").isEmpty)
        // Another writer's formatting (spaces, other key order) still reads, through the fallback.
        let other = #"[ {"kind": "home_quarantine", "starts_on": "2022-07-02", "ends_on": "2022-07-08"} ]"#
        #expect(
            try Phase.list(fromJSON: other) == [
                Phase(kind: .homeQuarantine, startsOn: day("2022-07-02"), endsOn: day("2022-07-08"))
            ])

        let stays = [Stay(code: "420102", name: "武汉,\"江岸\"", from: nil, to: day("2022-07-01"))]
        var arrival = try makeRegistry().intake(form()).arrival
        arrival.stays = stays
        let staysJSON = try #require(String.fromDatabaseValue(try arrival.databaseDictionary["stays"]!))
        #expect(try JSONDecoder().decode([Stay].self, from: Data(staysJSON.utf8)) == stays)
    }

    @Test("a record written by hand-encoding and read back by hand-decoding is the same record")
    func roundTrip() throws {
        let registry = try makeRegistry()
        let outcome = try registry.intake(form())
        let (person, measure, tests, arrival) = try registry.writer.read { db in
            (
                try Person.fetchOne(db, key: outcome.person.id), try Measure.fetchOne(db, key: outcome.measure.id),
                try LabTest.filter(Column("measure_id") == outcome.measure.id).order(Column("due_on")).fetchAll(db),
                try Arrival.fetchOne(db, key: outcome.arrival.id)
            )
        }
        #expect(person == outcome.person)
        #expect(measure == outcome.measure)
        #expect(tests == outcome.tests)
        #expect(arrival == outcome.arrival)
    }
}
