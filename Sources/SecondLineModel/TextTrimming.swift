extension Unicode.Scalar {
    /// Unicode White_Space, with a fast answer for ASCII.
    @inline(__always)
    var isSpaceOrNewline: Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        switch value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}

extension String {
    /// The text without leading and trailing whitespace or newlines. Foundation's
    /// `trimmingCharacters(in:)` goes through NSString on Linux and dominated bulk decoding.
    public var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !first.isSpaceOrNewline, !last.isSpaceOrNewline { return self }
        guard let start = scalars.firstIndex(where: { !$0.isSpaceOrNewline }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.isSpaceOrNewline })!
        return String(scalars[start...end])
    }
}
