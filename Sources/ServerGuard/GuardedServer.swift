import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import RegistryCore

/// The HTTP/1.1 server of a Hummingbird application with the connection guard in front of every connection, and
/// TLS when `tls` names the PEM files. Pass `acceptLimit(limits)` as the application's
/// `availableConnectionsDelegate`: Hummingbird stops accepting there, a little above `maxConnections`, so that a new
/// connection still reaches the guard and can make room by closing an idle one.
public func guardedServer(limits: ConnectionLimits, tls: (certificate: String, key: String)?) throws
    -> HTTPServerBuilder
{
    let table = ConnectionTable(limits: limits)
    let handlers: @Sendable () -> [any RemovableChannelHandler] = { [ConnectionGuard(table: table)] }
    let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: handlers()))
    guard let tls else { return http1 }
    return try .tls(http1, tlsConfiguration: try tlsConfiguration(certificate: tls.certificate, key: tls.key))
}

/// Where Hummingbird stops accepting: the guard's limit plus room for the connections being closed to make room.
public func acceptLimit(_ limits: ConnectionLimits) -> MaximumAvailableConnections {
    MaximumAvailableConnections(limits.maxConnections + max(16, limits.maxConnections / 16))
}

/// A server's TLS configuration from PEM files, refused in one line naming the file when one cannot be read.
public func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
    let chain: [NIOSSLCertificate]
    let privateKey: NIOSSLPrivateKey
    do {
        chain = try NIOSSLCertificate.fromPEMFile(certificate)
    } catch {
        throw RegistryError(
            nil, zh: "--tls-cert：无法读取证书 \(certificate)（应为 PEM）",
            en: "--tls-cert: cannot read the certificate \(certificate) (PEM expected)")
    }
    do {
        privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
    } catch {
        throw RegistryError(
            nil, zh: "--tls-key：无法读取私钥 \(key)（应为 PEM）",
            en: "--tls-key: cannot read the private key \(key) (PEM expected)")
    }
    return TLSConfiguration.makeServerConfiguration(
        certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
}
