import CQREncode
import Foundation

/// A QR code, drawn by libqrencode (a kept C library from the system packages; see .ci/run) and written as SVG,
/// so that a poster needs no image file and prints sharp at any size.
public struct QRCode: Sendable {
    /// The modules, row by row: true is dark.
    public let modules: [[Bool]]

    /// Encodes `text` (a URL) at error-correction level M, which survives a poster creased or a little dirty.
    public init(_ text: String) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw QRError(text: text, errno: errno)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<width).map { y in (0..<width).map { x in data[y * width + x] & 1 == 1 } }
    }

    public struct QRError: Error, CustomStringConvertible {
        let text: String
        let errno: Int32
        public var description: String { "cannot encode a QR code of \(text.utf8.count) bytes (errno \(errno))" }
    }

    /// The code as an SVG element, with the quiet zone of four modules the standard asks for; one path, so that
    /// a printer draws it without seams between modules.
    public func svg(size: String) -> String {
        let quiet = 4
        let side = modules.count + 2 * quiet
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, dark) in row.enumerated() where dark { path += "M\(x + quiet) \(y + quiet)h1v1h-1z" }
        }
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(size)\" height=\"\(size)\" "
            + "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\"><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}
