import Foundation
import GRDB
import RegistryCore
import RegistrySync
import Testing

/// schema/openapi.json, and a small validator for the subset of JSON Schema it uses.
struct OpenAPISpec {
    let root: [String: Any]

    init() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../schema/openapi.json").standardized
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
    }

    /// The documented response schema (nil when the status is documented without a body); throws if undocumented.
    func responseSchema(_ path: String, _ method: String, _ status: Int) throws -> [String: Any]? {
        let paths = root["paths"] as! [String: Any]
        let operation = try #require(
            (paths[path] as? [String: Any])?[method] as? [String: Any], "\(method) \(path) is not documented")
        let responses = operation["responses"] as! [String: Any]
        let response = try #require(
            responses[String(status)] as? [String: Any], "\(method) \(path) \(status) is not documented")
        return ((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
            as? [String: Any]
    }

    func documentedStatuses(_ path: String, _ method: String) -> Set<Int> {
        let operation = ((root["paths"] as! [String: Any])[path] as! [String: Any])[method] as! [String: Any]
        return Set((operation["responses"] as! [String: Any]).keys.compactMap(Int.init))
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        let name = ref.split(separator: "/").last.map(String.init)!
        return ((root["components"] as! [String: Any])["schemas"] as! [String: Any])[name] as! [String: Any]
    }

    /// Problems of `value` against `schema`, as paths and reasons; empty when it conforms.
    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        let schema = resolve(schema)
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            var out = (schema["required"] as? [String] ?? []).filter { object[$0] == nil }.map {
                "\(path).\($0): missing"
            }
            for (key, sub) in schema["properties"] as? [String: Any] ?? [:] {
                if let v = object[key], !(v is NSNull) {
                    out += problems(v, sub as! [String: Any], at: "\(path).\(key)")
                }
            }
            return out
        case "array":
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            return array.enumerated().flatMap {
                problems($0.element, schema["items"] as! [String: Any], at: "\(path)[\($0.offset)]")
            }
        case "string": return value is String ? [] : ["\(path): not a string"]
        case "integer":
            return (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } == true
                ? [] : ["\(path): not an integer"]
        case "boolean": return (value as? Bool) != nil ? [] : ["\(path): not a boolean"]
        default: return []
        }
    }
}

@Suite("The server against schema/openapi.json", .serialized)
struct OpenAPITests {
    @Test(
        "every answer of every endpoint is documented and its body matches the documented schema; every documented status occurs"
    )
    func conformance() async throws {
        let spec = try OpenAPISpec()
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let countyToken = try county.command(["token", "issue", "--county"])
        let a = try makeVillage(county, code: "110105001001")
        try intake(a, name: "张三", id: "420102199003071232")
        _ = try a.submitReport(on: a.clock.today, reporter: "王", remarks: nil)
        _ = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        let site = try a.settings().site
        let now = HLC(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), counter: 0).raw
        func push(_ request: Wire.PushRequest) throws -> Data { try JSONEncoder().encode(request) }
        let person = Change(
            table: "person", pk: "p1",
            columns: ColumnValues(["village": "110105001002".databaseValue, "name": "x".databaseValue]),
            hlc: now, origin: "site-b", originSeq: 1)

        let calls: [(String, String, String, [String: String], Data?)] = [
            ("/healthz", "get", "", [:], nil),
            ("/v1/summary", "get", countyToken, [:], nil),
            ("/v1/summary", "get", countyToken, ["date": "2022-11-05"], nil),
            ("/v1/summary", "get", countyToken, ["date": "5/11"], nil),
            ("/v1/summary", "get", tokenA, [:], nil),
            ("/v1/sync/pull", "get", tokenA, ["after": "0"], nil),
            ("/v1/sync/pull", "get", tokenA, ["after": "x"], nil),
            ("/v1/sync/pull", "get", "", ["after": "0"], nil),
            (
                "/v1/sync/push", "post", tokenB, [:],
                try push(.init(site: "site-b", after: 0, through: 1, changes: [person]))
            ),
            ("/v1/sync/push", "post", tokenB, [:], Data("[1,2".utf8)),
            (
                "/v1/sync/push", "post", "not-a-token", [:],
                try push(.init(site: "site-b", after: 0, through: 1, changes: []))
            ),
            ("/v1/sync/push", "post", tokenB, [:], try push(.init(site: site, after: 0, through: 0, changes: []))),
            ("/v1/sync/push", "post", tokenB, [:], try push(.init(site: "site-b", after: 9, through: 9, changes: []))),
            ("/v1/sync/push", "post", tokenB, [:], Data(repeating: 0x20, count: 3 << 20)),
            (
                "/v1/sync/push", "post", tokenB, [:],
                try push(
                    .init(
                        site: "site-b", after: 1, through: 2,
                        changes: [
                            Change(
                                table: "person", pk: "p2", columns: ColumnValues([String: ColumnValue]()),
                                hlc: HLC(
                                    milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000, counter: 0
                                ).raw,
                                origin: "site-b", originSeq: 2)
                        ]))
            ),
        ]
        // A client declaring an old version, and the metrics.
        let old: [(String, String, String, [String: String], Data?)] = [
            ("/v1/sync/pull", "get", tokenA, ["after": "0"], nil),
            (
                "/v1/sync/push", "post", tokenB, [:],
                try push(.init(site: "site-b", after: 0, through: 1, changes: [person]))
            ),
        ]
        var seen: [String: Set<Int>] = [:]
        func check(_ path: String, _ method: String, _ status: Int, _ data: Data) throws {
            seen["\(method) \(path)", default: []].insert(status)
            let schema = try spec.responseSchema(path, method, status)
            if let schema {
                let value = try JSONSerialization.jsonObject(with: data)
                #expect(
                    spec.problems(value, schema).isEmpty, "\(method) \(path) \(status): \(spec.problems(value, schema))"
                )
            }
        }
        for (path, method, token, query, body) in old {
            let (status, data) = try await HTTPTransport(base: county.url, token: token, attempts: 1, version: "0.19.0")
                .send(method.uppercased(), path, query: query, body: body)
            try check(path, method, status, data)
        }
        for token in [countyToken, tokenA] {
            let (status, data) = try await HTTPTransport(base: county.url, token: token, attempts: 1).send(
                "GET", "/metrics", query: [:], body: nil)
            try check("/metrics", "get", status, data)
        }
        // A writer slowed and a queue of one change: pushes at once find it full.
        let slow = try ServerHarness()
        slow.environment = ["SYNC_SERVER_WRITER_DELAY_MS": "300", "SYNC_SERVER_QUEUE_LIMIT": "1"]
        try slow.start()
        defer { slow.stop() }
        let slowURL = slow.url
        let slowTokens = try (1...2).map { try slow.command(["token", "issue", "--village", "11010500100\($0)"]) }
        let answers = try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            for i in 0..<6 {
                let body = try push(
                    .init(
                        site: "s-\(i)", after: 0, through: 1,
                        changes: [
                            Change(
                                table: "health_check", pk: "c-\(i)",
                                columns: ColumnValues([
                                    "village": "11010500100\(i % 2 + 1)".databaseValue, "person_id": "p".databaseValue,
                                    "taken_at": "2022-07-02 08:00".databaseValue,
                                    "taken_on": "2022-07-02".databaseValue, "temperature": 36.5.databaseValue,
                                    "flagged": 0.databaseValue,
                                ]),
                                hlc: now, origin: "s-\(i)", originSeq: 1)
                        ]))
                let token = slowTokens[i % 2]
                group.addTask {
                    try await HTTPTransport(base: slowURL, token: token, attempts: 1).send(
                        "POST", "/v1/sync/push", query: [:], body: body)
                }
            }
            var all: [(Int, Data)] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        for (status, data) in answers { try check("/v1/sync/push", "post", status, data) }
        for (path, method, token, query, body) in calls {
            let (status, data) = try await HTTPTransport(base: county.url, token: token, attempts: 1).send(
                method.uppercased(), path, query: query, body: body)
            seen["\(method) \(path)", default: []].insert(status)
            let schema = try spec.responseSchema(path, method, status)
            if let schema {
                let value = try JSONSerialization.jsonObject(with: data)
                #expect(
                    spec.problems(value, schema).isEmpty, "\(method) \(path) \(status): \(spec.problems(value, schema))"
                )
            }
        }
        for operation in [
            ("/healthz", "get"), ("/v1/summary", "get"), ("/v1/sync/pull", "get"), ("/v1/sync/push", "post"),
            ("/metrics", "get"),
        ] {
            #expect(
                seen["\(operation.1) \(operation.0)"] == spec.documentedStatuses(operation.0, operation.1),
                "\(operation)")
        }
    }
}
