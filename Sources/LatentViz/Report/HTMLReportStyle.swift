/// The report's inline stylesheet: readable body text, compact tables, and pixel-exact scaling of
/// small pictures such as 28×28 digit grids (no fonts or files are fetched).
enum HTMLReportStyle {
    static let css = """
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
    h1 { border-bottom: 2px solid #ddd; padding-bottom: .3rem; }
    h2 { margin-top: 2rem; }
    table { border-collapse: collapse; margin: 1rem 0; }
    th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
    th { background: #f4f4f4; }
    td:last-child { font-variant-numeric: tabular-nums; }
    figure { margin: 1rem 0; }
    figure img { max-width: 100%; height: auto; image-rendering: pixelated; border: 1px solid #eee; }
    figcaption { color: #555; font-size: .9rem; }
    pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; font-size: .85rem; }
    """
}
