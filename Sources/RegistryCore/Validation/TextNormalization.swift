extension String {
    /// The text with full-width digits, letters and punctuation (what a Chinese input method types) turned into
    /// their ASCII forms, and every kind of white space removed: "１１０１０５　１９４９" → "1101051949".
    var asciiCompacted: String {
        // Most cells (id numbers, phones, dates) are printable ASCII already: nothing to drop or map.
        if utf8.allSatisfy({ (0x21...0x7E).contains($0) }) { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalars.append(ascii)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// The text without leading and trailing white space (including the ideographic space U+3000), and without the
    /// invisible bidirectional controls anywhere in it (a declared name must read as it is stored).
    var trimmed: String {
        let scalars = withoutBidiControls.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    var isAllASCIIDigits: Bool { !isEmpty && utf8.allSatisfy { (0x30...0x39).contains($0) } }
}
