import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reading text files as clerks get them: UTF-8 with or without a byte-order mark, or GB18030 (what Excel saves
/// as "CSV" on a Chinese Windows), told apart without asking the clerk.
public enum TextDecoding {
    /// The encodings the registry reads.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 BOM"
        case gb18030 = "GB18030"
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The text of `data` and the encoding it was in; nil when it is neither valid UTF-8 nor valid GB18030.
    public static func decode(_ data: Data) -> (text: String, encoding: Encoding)? {
        if data.starts(with: bom) {
            guard let text = String(validating: data.dropFirst(3), as: UTF8.self) else { return nil }
            return (text, .utf8BOM)
        }
        if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
        return GB18030Decoder().flatMap { $0.decode(Array(data)) }.map { ($0, .gb18030) }
    }

    /// The encoding of the bytes `chunks` yields in order (a file read piece by piece): UTF-8 (with or without a
    /// BOM) if all of it is valid UTF-8, else GB18030. Reads the bytes once, keeping no more than a chunk.
    static func detect(_ chunks: () throws -> [UInt8]?) rethrows -> Encoding {
        var first = true
        var carry: [UInt8] = []
        var bomSeen = false
        while let chunk = try chunks() {
            var bytes = carry + chunk
            if first {
                first = false
                if bytes.starts(with: bom) {
                    bomSeen = true
                    bytes.removeFirst(3)
                }
            }
            // Validate up to the last complete character; the rest waits for the next chunk.
            let cut = completePrefix(bytes)
            if String(validating: bytes[..<cut], as: UTF8.self) == nil { return bomSeen ? .utf8BOM : .gb18030 }
            carry = Array(bytes[cut...])
        }
        if !carry.isEmpty { return bomSeen ? .utf8BOM : .gb18030 }  // a truncated character at the end
        return bomSeen ? .utf8BOM : .utf8
    }

    /// The length of the longest prefix of `bytes` that does not end inside a UTF-8 character.
    private static func completePrefix(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 1
        var back = 0
        while i >= 0 && back < 4 {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {  // a lead byte (or ASCII): is its character complete?
                let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                return i + length <= bytes.count ? bytes.count : i
            }
            i -= 1
            back += 1
        }
        return bytes.count
    }

    /// GB18030 to UTF-8 through the C library's iconv (glibc ships the converter), one piece at a time.
    final class GB18030Decoder {
        private let converter: iconv_t

        init?() {
            guard let converter = iconv_open("UTF-8", "GB18030"), converter != iconv_t(bitPattern: -1) else {
                return nil
            }
            self.converter = converter
        }

        deinit { iconv_close(converter) }

        /// The text of `bytes`, which must hold whole characters; nil on an invalid byte.
        func decode(_ bytes: [UInt8]) -> String? {
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var input = bytes.map { CChar(bitPattern: $0) }
            var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
            var written = 0
            let ok = input.withUnsafeMutableBufferPointer { inBuf in
                output.withUnsafeMutableBufferPointer { outBuf in
                    var inPtr = inBuf.baseAddress
                    var outPtr = outBuf.baseAddress
                    var inLeft = inBuf.count
                    var outLeft = outBuf.count
                    let result = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
                    written = outBuf.count - outLeft
                    return result != -1 && inLeft == 0
                }
            }
            iconv(converter, nil, nil, nil, nil)  // back to the initial state for the next piece
            guard ok else { return nil }
            return String(validating: output.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
