//! Temporary: replaced by the go-yaml compatible version.
use std::borrow::Cow;
pub fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || matches!(
            s,
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
        )
        || s.parse::<f64>().is_ok()
}
pub fn render_string(s: &str) -> Cow<'_, str> {
    if needs_quotes(s) {
        Cow::Owned(format!("\"{s}\""))
    } else {
        Cow::Borrowed(s)
    }
}
