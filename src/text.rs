//! Characters that what people type must not carry into stored text, mail headers or names.

/// Unicode's explicit direction overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a
/// name or a one-line field they can make text read differently from what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn overrides_and_isolates_are_bidi_controls() {
        for c in ['\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}'] {
            assert!(super::is_bidi_control(c), "{c:?}");
        }
        for c in ['a', 'ä', '\u{200e}', '\n'] {
            assert!(!super::is_bidi_control(c), "{c:?}");
        }
    }
}
