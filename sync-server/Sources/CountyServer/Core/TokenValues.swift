import Crypto
import Foundation
import RegistryCore

/// A token as listed, without its secret.
public struct TokenLine: Sendable, Equatable {
    public var village: String
    /// The village's roster name.
    public var name: String?
    public var createdAt: String
    public var revokedAt: String?
    /// The token's id (not its secret): two tokens of one village are told apart by it.
    public var id: String = ""
    /// When a push under it last reached this server; nil when never.
    public var lastUsed: String? = nil

    public init(
        village: String, name: String?, createdAt: String, revokedAt: String?, id: String = "",
        lastUsed: String? = nil
    ) {
        self.village = village
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.id = id
        self.lastUsed = lastUsed
    }
}

/// Who holds a token: its village (or the county's code) and the token's own id.
public struct TokenHolder: Sendable, Equatable {
    public let village: String
    public let tokenID: String
}

/// Tokens' rules, one for both stores: who may hold one, how one is made and how it is kept (its hash only).
enum TokenRules {
    /// Whom a server may issue a token to. A county: its villages, and itself (the officer's token). A city or a
    /// province: the regions of its roster (their servers push up under it), and itself; never a village, whose
    /// county holds its roster and its tokens.
    static func checkHolder(_ code: String, settings: CountySettings, regions: Set<String>) throws {
        if settings.level == .county {
            guard code.hasPrefix(settings.county) else {
                throw RegistryError(
                    .village, zh: "\(code) 不属于本县 \(settings.county)", en: "\(code) is not in county \(settings.county)")
            }
        } else if code.count == 12 {
            throw RegistryError(.village, zh: "村令牌只能由县级服务器签发", en: "only a county server issues village tokens")
        } else if code != settings.county, !regions.contains(code) {
            throw RegistryError(
                .code, zh: "\(code) 不在本级名册中：先用 sync-server regions import 导入",
                en: "\(code) is not on this server's roster: import it with sync-server regions import")
        }
    }

    /// A new token: 256 random bits as 64 hex digits.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded16 }.joined()
    }

    static func hash(_ token: String) -> String { token.sha256Hex }
}

extension String {
    var leftPadded16: String { String(repeating: "0", count: max(0, 16 - count)) + self }
    var leftPadded2: String { count >= 2 ? self : "0" + self }
    /// The SHA-256 of the text's UTF-8 bytes, as 64 hex digits.
    var sha256Hex: String { SHA256.hash(data: Data(utf8)).map { String($0, radix: 16).leftPadded2 }.joined() }
}
