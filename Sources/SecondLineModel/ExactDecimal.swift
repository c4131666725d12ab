/// An exact base-10 number as printed on a form or carried in a filing: `1250.10` stays `1250.10`.
///
/// Binary floating point would turn `1250.10` into `1250.0999…`; customs amounts must never drift.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// value = significand / 10^scale
    public let significand: Int128
    public let scale: Int

    static let maxDigits = 36

    public init(significand: Int128, scale: Int) {
        precondition(scale >= 0)
        self.significand = significand
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(significand: Int128(integer), scale: 0)
    }

    /// Parses plain decimal text: optional `-`, digits, optional `.` and digits. No exponent, no grouping.
    public init?(_ text: some StringProtocol) {
        var utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return nil }
        var negative = false
        if utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: "+") {
            negative = utf8[0] == UInt8(ascii: "-")
            utf8.removeFirst()
        }
        var value: Int128 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        var digitsAfterPoint = 0
        var digitsBeforePoint = 0
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            digits += 1
            if digits > Self.maxDigits { return nil }
            value = value * 10 + Int128(byte - 48)
            if seenPoint { scale += 1; digitsAfterPoint += 1 } else { digitsBeforePoint += 1 }
        }
        guard digitsBeforePoint > 0, !seenPoint || digitsAfterPoint > 0 else { return nil }
        self.init(significand: negative ? -value : value, scale: scale)
    }

    public var description: String {
        let negative = significand < 0
        var digits = String(significand.magnitude)
        if scale > 0 {
            if digits.count <= scale {
                digits = String(repeating: "0", count: scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Digits before the decimal point, ignoring leading zeros (`0.5` has 1).
    public var integerDigits: Int {
        let integerPart = significand.magnitude / Self.power(scale)
        return String(integerPart).count
    }

    /// Digits after the decimal point as written (`1.50` has 2).
    public var fractionDigits: Int { scale }

    public var isNegative: Bool { significand < 0 }
    public var isZero: Bool { significand == 0 }
    public var magnitude: ExactDecimal { ExactDecimal(significand: Int128(significand.magnitude), scale: scale) }

    /// The same value with trailing fraction zeros removed (`1.500` → `1.5`).
    public var normalized: ExactDecimal {
        var s = significand
        var sc = scale
        while sc > 0, s % 10 == 0 { s /= 10; sc -= 1 }
        return ExactDecimal(significand: s, scale: sc)
    }

    static func power(_ exponent: Int) -> UInt128 {
        var result: UInt128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Both significands at a common scale, or nil on overflow.
    static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128, Int)? {
        let scale = max(a.scale, b.scale)
        guard let x = a.significand.multipliedExactly(by: Int128(power(scale - a.scale))),
              let y = b.significand.multipliedExactly(by: Int128(power(scale - b.scale))) else { return nil }
        return (x, y, scale)
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        guard let (x, y, _) = aligned(a, b) else { return false }
        return x == y
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.significand)
        hasher.combine(n.scale)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        guard let (x, y, _) = aligned(a, b) else {
            // Only reachable with absurd scales; compare by sign then integer part.
            return a.significand < b.significand
        }
        return x < y
    }

    /// Sum, or nil if it does not fit.
    public func adding(_ other: ExactDecimal) -> ExactDecimal? {
        guard let (x, y, scale) = Self.aligned(self, other) else { return nil }
        let (sum, overflow) = x.addingReportingOverflow(y)
        return overflow ? nil : ExactDecimal(significand: sum, scale: scale)
    }

    public func subtracting(_ other: ExactDecimal) -> ExactDecimal? {
        adding(ExactDecimal(significand: -other.significand, scale: other.scale))
    }

    /// Product, or nil if it does not fit.
    public func multiplied(by other: ExactDecimal) -> ExactDecimal? {
        guard let product = significand.multipliedExactly(by: other.significand) else { return nil }
        return ExactDecimal(significand: product, scale: scale + other.scale).trimmed(toScaleAtLeast: max(scale, other.scale))
    }

    /// Drops trailing zeros but keeps at least `minimumScale` fraction digits.
    func trimmed(toScaleAtLeast minimumScale: Int) -> ExactDecimal {
        var s = significand
        var sc = scale
        while sc > minimumScale, s % 10 == 0 { s /= 10; sc -= 1 }
        return ExactDecimal(significand: s, scale: sc)
    }

    /// Rounded half away from zero to `places` fraction digits.
    public func rounded(toPlaces places: Int) -> ExactDecimal {
        if scale <= places {
            guard let s = significand.multipliedExactly(by: Int128(Self.power(places - scale))) else { return self }
            return ExactDecimal(significand: s, scale: places)
        }
        let divisor = Int128(Self.power(scale - places))
        var quotient = significand / divisor
        let remainder = significand % divisor
        if remainder.magnitude * 2 >= divisor.magnitude {
            quotient += significand < 0 ? -1 : 1
        }
        return ExactDecimal(significand: quotient, scale: places)
    }

    /// `self × percent / 100`, used for tolerances.
    public func percent(_ percent: ExactDecimal) -> ExactDecimal? {
        multiplied(by: percent).map { ExactDecimal(significand: $0.significand, scale: $0.scale + 2) }
    }
}

extension Int128 {
    func multipliedExactly(by other: Int128) -> Int128? {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : result
    }
}
