import CLibCrypto
import Foundation
import RegistryCore
import ZIPFoundation

/// A file carried between a village and its county where there is no network: the village's push
/// (`registry sync --to-file`), and the county's answer (`sync-server bundle import --answer-to`), read back with
/// `registry sync --from-file`. Two parts:
/// - one line of text: `village-registry-carried 1 VILLAGE MAC`, where MAC is the HMAC-SHA256 (hex) of everything
///   after the line, keyed by the SHA-256 of the village's token. The county keeps only that hash of a token, and
///   so can check the file; the token itself is never in it. The village code says whose keys to try.
/// - the body, deflated: the header's JSON (what it is, whose, when, which part of how many), a newline, and the
///   payload's JSON (`Carried.Push` or `Carried.Answer`).
/// The MAC covers every byte of the body, so one byte changed anywhere after the line, another village's token or a
/// revoked one refuses the file before anything in it is read; a change in the line itself fails the same check.
public struct CarriedFile: Sendable {
    public enum Kind: String, Codable, Sendable { case push, answer }

    public struct Header: Codable, Sendable, Equatable {
        public var kind: Kind
        public var village: String
        public var site: String
        /// When it was written, by the writer's clock (the village's may be wrong: the county never relies on it).
        public var createdAt: String
        /// The id shared by the parts of one `--to-file`; an answer carries the id of the set it answers.
        public var set: String
        public var part: Int
        public var parts: Int

        public init(
            kind: Kind, village: String, site: String, createdAt: String, set: String, part: Int = 1, parts: Int = 1
        ) {
            self.kind = kind
            self.village = village
            self.site = site
            self.createdAt = createdAt
            self.set = set
            self.part = part
            self.parts = parts
        }

        enum CodingKeys: String, CodingKey {
            case kind, village, site, set, part, parts
            case createdAt = "created_at"
        }
    }

    public static let format = "village-registry-carried"
    static let version = 1
    /// The most a body may inflate to: a generous backlog (a registry's whole year is under 100 MB of JSON), and a
    /// bound on what a crafted file can make the reader allocate.
    static let maxBody = 256 << 20

    public var header: Header
    /// The payload's JSON, exactly as sealed.
    public var payload: Data

    public init(header: Header, payload: Data) {
        self.header = header
        self.payload = payload
    }

    /// The file's bytes: the line with the MAC under `key`, then the deflated header and payload.
    public func sealed(key: CarriedKey) throws -> Data {
        let plain = try Self.encoder.encode(header) + Data([0x0A]) + payload
        var body = Data()
        _ = try Data.compress(
            size: Int64(plain.count), bufferSize: 64 * 1024,
            provider: { position, size in plain.subdata(in: Int(position)..<min(plain.count, Int(position) + size)) },
            consumer: { body.append($0) })
        let line = "\(Self.format) \(Self.version) \(header.village) \(key.mac(body).hexText)\n"
        return Data(line.utf8) + body
    }

    /// Reads a file and checks it against the keys that may have sealed it; the key that did, and the file. Refuses
    /// (naming `name`) a file that is not one, that is altered, or that none of `keys` sealed.
    public static func open(_ data: Data, name: String, keys: [CarriedKey]) throws -> (CarriedFile, CarriedKey) {
        let (village, mac, body) = try line(data, name: name)
        guard let key = keys.first(where: { $0.verifies(mac, body) }) else {
            throw RegistryError(
                .file, zh: "\(name) 校验失败：文件被改动过，或不是用本村当前的令牌生成的；未写入任何数据",
                en:
                    "\(name) fails its check: it was altered, or not made with this village's current token; nothing was written"
            )
        }
        let notCarried = RegistryError(.file, zh: "\(name) 不是登记库的同步文件", en: "\(name) is not a registry sync file")
        var plain = Data()
        do {
            _ = try Data.decompress(
                size: Int64(body.count), bufferSize: 64 * 1024, skipCRC32: true,
                // The inflater asks for whole buffers: the last one is what remains.
                provider: { position, size in body.subdata(in: Int(position)..<min(body.count, Int(position) + size)) },
                consumer: { chunk in
                    // Counted as it inflates: a crafted body cannot make the reader allocate without bound.
                    guard plain.count + chunk.count <= maxBody else { throw CocoaError(.fileReadTooLarge) }
                    plain.append(chunk)
                })
        } catch {
            throw notCarried
        }
        guard let newline = plain.firstIndex(of: 0x0A),
            let header = try? JSONDecoder().decode(Header.self, from: plain[plain.startIndex..<newline]),
            header.village == village
        else { throw notCarried }
        return (CarriedFile(header: header, payload: Data(plain[(newline + 1)...])), key)
    }

    /// The village a file names in its line (unchecked: whose keys to try).
    public static func village(of data: Data, name: String) throws -> String {
        try line(data, name: name).village
    }

    /// The first line's village and MAC, and the body after it.
    static func line(_ data: Data, name: String) throws -> (village: String, mac: Data, body: Data) {
        let notCarried = RegistryError(.file, zh: "\(name) 不是登记库的同步文件", en: "\(name) is not a registry sync file")
        guard let newline = data.prefix(200).firstIndex(of: 0x0A) else { throw notCarried }
        let fields = String(decoding: data[data.startIndex..<newline], as: UTF8.self).split(separator: " ")
        guard fields.count == 4, fields[0] == format, let version = Int(fields[1]) else { throw notCarried }
        guard version == Self.version else {
            throw RegistryError(
                .file, zh: "\(name) 的格式版本较新（\(version)），请先升级",
                en: "\(name) is of a newer format (\(version)); upgrade first")
        }
        let village = String(fields[2])
        guard village.utf8.count == 12, village.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw notCarried
        }
        // A copy, indexed from zero: the inflater's provider reads it by position.
        return (village, Data(fields[3].utf8), Data(data[(newline + 1)...]))
    }

    /// The payload decoded; a payload that does not decode is refused naming the file.
    public func decoded<T: Decodable>(_ type: T.Type, name: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: payload)
        } catch {
            throw RegistryError(
                .file, zh: "\(name) 的内容无法识别（版本不符？）", en: "\(name) cannot be read (version mismatch?)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Reads a file a user named.
    public static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.file, zh: "无法读取 \(path)", en: "cannot read \(path)")
        }
        return data
    }
}

/// The key of a village's carried files: the SHA-256 of its token, which is what the county keeps of it.
public struct CarriedKey: Sendable, Equatable {
    public let bytes: [UInt8]
    /// The token's id at the county (which token sealed a file); empty on the village's side.
    public let tokenID: String
    /// Whether the county has revoked the token: a file it sealed is recognised and refused as such.
    public let revoked: Bool

    /// The key of the token a village holds.
    public init(token: String) {
        bytes = Digest.sha256(Array(token.utf8))
        tokenID = ""
        revoked = false
    }

    /// The key from a token's stored hash (64 hex digits), as the county holds it.
    public init?(hash: String, tokenID: String, revoked: Bool) {
        guard hash.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = hash.startIndex
        while index < hash.endIndex {
            let next = hash.index(index, offsetBy: 2)
            guard let byte = UInt8(hash[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
        self.tokenID = tokenID
        self.revoked = revoked
    }

    /// HMAC-SHA256 of `body`.
    func mac(_ body: Data) -> [UInt8] { Digest.hmacSHA256(key: bytes, Array(body)) }

    /// Whether `mac` (hex, as in the file) is the MAC of `body` under this key, compared in constant time.
    func verifies(_ mac: Data, _ body: Data) -> Bool {
        let expected = Array(self.mac(body).hexText.utf8)
        let given = Array(mac)
        guard given.count == expected.count else { return false }
        return CRYPTO_memcmp(given, expected, given.count) == 0
    }
}

/// SHA-256 and HMAC-SHA256 from libcrypto.
enum Digest {
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_Digest(bytes, bytes.count, &out, &length, EVP_sha256(), nil)
        return Array(out.prefix(Int(length)))
    }

    static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex digits.
    var hexText: String { map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}
