import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading text files as clerks get them: UTF-8 with or without a byte-order mark, or GB18030 (what Excel saves
/// as "CSV" on a Chinese Windows), told apart without asking the clerk.
public enum TextDecoding {
    /// The encodings the registry reads.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8", utf8BOM = "UTF-8 BOM", gb18030 = "GB18030"
    }

    /// The text of `data` and the encoding it was in; nil when it is neither valid UTF-8 nor valid GB18030.
    public static func decode(_ data: Data) -> (text: String, encoding: Encoding)? {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: data.dropFirst(3), as: UTF8.self) else { return nil }
            return (text, .utf8BOM)
        }
        if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
        return gb18030(data).map { ($0, .gb18030) }
    }

    /// GB18030 to a String through the C library's iconv (glibc ships the converter); nil on an invalid byte.
    static func gb18030(_ data: Data) -> String? {
        let converter = iconv_open("UTF-8", "GB18030")
        if converter == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(converter) }
        var input = [CChar](repeating: 0, count: data.count)
        data.withUnsafeBytes { raw in
            for (i, byte) in raw.enumerated() { input[i] = CChar(bitPattern: byte) }
        }
        var output = [CChar](repeating: 0, count: data.count * 2 + 16)
        var written = 0
        let ok = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr = inBuf.baseAddress, outPtr = outBuf.baseAddress
                var inLeft = inBuf.count, outLeft = outBuf.count
                let result = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
                written = outBuf.count - outLeft
                return result != -1 && inLeft == 0
            }
        }
        guard ok else { return nil }
        return String(validating: output.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
