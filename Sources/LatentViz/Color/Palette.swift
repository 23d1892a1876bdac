/// A fixed list of clearly different colors for categories: chart series and class labels.
public enum Palette {
    /// The ten "tab10" colors (Tableau's classic palette, matplotlib's default cycle): blue, orange,
    /// green, red, purple, brown, pink, gray, olive, cyan.
    public static let tableau10: [RGB] = [
        RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
        RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
    ]

    /// The color of category `index` (cycling after ten; negative indices are folded in too).
    public static func color(_ index: Int) -> RGB {
        let n = tableau10.count
        return tableau10[((index % n) + n) % n]
    }
}

extension RGB {
    /// Near-black for text and axis lines (softer than pure black next to colored data).
    public static let ink = RGB(34, 34, 34)
    /// Light gray for grid lines behind the data.
    public static let gridLine = RGB(225, 225, 225)
}
