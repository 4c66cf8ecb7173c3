//! QR codes drawn as SVG on the server (no external service, no script): the attendance page
//! shows the sign-in address as one, for participants' phones to scan.

use crate::templates::escape_html;
use qrcode::{Color, EcLevel, QrCode};

/// An inline SVG of `data` as a QR code (error correction M, a quiet zone of four modules),
/// labelled for screen readers with `label`. Only `data`'s modules and the escaped label go
/// into the markup.
pub fn svg(data: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let label = escape_html(label);
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_svg_holds_the_modules_and_an_escaped_label() {
        let svg = super::svg("http://localhost:8080/osallistu/ABC234", "QR <koodi>").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"aria-label="QR &lt;koodi&gt;""#));
        // A version-3 code (29 modules) plus the quiet zone on both sides.
        assert!(svg.contains(r#"viewBox="0 0 37 37""#), "{svg}");
        assert!(svg.matches('z').count() > 100);
    }
}
