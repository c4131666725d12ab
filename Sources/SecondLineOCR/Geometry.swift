/// An axis-aligned rectangle in page pixels, origin top-left (Tesseract and Leptonica convention).
public struct PixelRect: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var area: Int { max(0, width) * max(0, height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func intersection(_ other: PixelRect) -> PixelRect? {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return nil }
        return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// Intersection over union, 0...1.
    public func overlapRatio(with other: PixelRect) -> Double {
        guard let common = intersection(other) else { return 0 }
        let union = area + other.area - common.area
        return union > 0 ? Double(common.area) / Double(union) : 0
    }

    public var description: String { "(x \(x), y \(y), w \(width), h \(height))" }
}
