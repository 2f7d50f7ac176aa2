//! Strings written the way kubectl's YAML printer writes them.
//!
//! `kubectl -o yaml` prints through sigs.k8s.io/yaml, which hands the object to go-yaml v2
//! (`go.yaml.in/yaml/v2`, formerly `gopkg.in/yaml.v2`). Two of its layers pick a string's style:
//!
//! - the encoder (`encode.go`, `stringv`) double-quotes a string that a YAML 1.1 reader would take
//!   for another type (`resolve.go`: `y`, `off`, `~`, `0x1f`, `1e3`, `2024-01-02`, ...) or for a
//!   base-60 float (`1:20`), and asks for a literal block when the string holds a `\n`;
//! - the emitter (`emitterc.go`: `yaml_emitter_analyze_scalar`, `yaml_emitter_select_scalar_style`)
//!   falls back from plain to single quotes when the text starts or ends with a space or holds an
//!   indicator (`: `, ` #`, a leading `- `, `&`, `*`, `'`, ...), and to double quotes when it holds
//!   a character it will not print raw (a tab, a control character, a BOM, anything past U+FFFF).
//!
//! Following both exactly makes what we write byte-identical to what kubectl writes. This covers a
//! string *value* in block context (`key: VALUE`), which is where names and namespaces go. It is
//! exact for every string without a line break whose line stays within 80 columns, so for every
//! RFC 1123 name. Two behaviours depend on the position in the document, which a lone scalar does
//! not know; we approximate them with the equivalent double-quoted form:
//!
//! - go-yaml writes a string holding `\n` as a literal block (`|-`), and one holding U+2028 or
//!   U+2029 single-quoted with the next line re-indented; we write `"a\nb"` and `"a\Lb"`.
//! - go-yaml folds a plain or quoted scalar at a space once its line passes 80 columns; we never do.
//!
//! kubectl itself fails (`yaml: control characters are not allowed`) on a string holding DEL, a C1
//! control other than NEL, U+FFFE or U+FFFF; we escape those in double quotes.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `s` must be quoted to be printed, and read back, as the string it is.
pub fn needs_quotes(s: &str) -> bool {
    style(s) != Style::Plain
}

/// `s` as kubectl prints it after `key: `: plain when it reads back as this string, else quoted.
pub fn render_string(s: &str) -> Cow<'_, str> {
    match style(s) {
        Style::Plain => Cow::Borrowed(s),
        Style::SingleQuoted => Cow::Owned(format!("'{}'", s.replace('\'', "''"))),
        Style::DoubleQuoted => Cow::Owned(double_quoted(s)),
    }
}

/// How go-yaml writes a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// As it is.
    Plain,
    /// In `'...'`, quotes doubled.
    SingleQuoted,
    /// In `"..."`, with escapes.
    DoubleQuoted,
}

/// The style go-yaml's encoder and emitter together pick for `s`.
fn style(s: &str) -> Style {
    if resolves_to_non_string(s) || is_base60_float(s) {
        // The encoder's choice, which the emitter keeps.
        Style::DoubleQuoted
    } else if s.chars().any(|c| !is_printable(c) || is_break(c)) {
        // Neither plain nor single quotes can hold these (line breaks: see the module doc).
        Style::DoubleQuoted
    } else if s.starts_with(' ') || s.ends_with(' ') || has_block_indicator(s) {
        Style::SingleQuoted
    } else {
        Style::Plain
    }
}

/// go-yaml's `is_printable`: YAML's printable set less tab, CR, NEL and everything past the BMP.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}')
        || matches!(c, '\u{E000}'..='\u{FFFD}') && c != '\u{FEFF}'
}

/// go-yaml's `is_break`.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The `block_indicators` of `yaml_emitter_analyze_scalar`: text that a plain scalar in block
/// context cannot hold. Only called on strings without tabs or line breaks, so go-yaml's
/// "whitespace" is a space here.
fn has_block_indicator(s: &str) -> bool {
    if s.starts_with("---") || s.starts_with("...") {
        return true;
    }
    let bytes = s.as_bytes();
    let followed_by_space = |i: usize| bytes.get(i + 1).is_none_or(|&next| next == b' ');
    bytes.iter().enumerate().any(|(i, &b)| match (i, b) {
        (0, b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>') => true,
        (0, b'\'' | b'"' | b'%' | b'@' | b'`') => true,
        (0, b'?' | b':' | b'-') => followed_by_space(0),
        (_, b':') => followed_by_space(i),
        (_, b'#') => bytes[i - 1] == b' ',
        _ => false,
    })
}

/// go-yaml's `yaml_emitter_write_double_quoted_scalar` (which never folds here, see the module doc).
fn double_quoted(s: &str) -> String {
    // go-yaml's `is_bom` tests the start of the whole value rather than the current character, so
    // every character of a value that starts with a BOM gets escaped.
    let escape_all = s.starts_with('\u{FEFF}');
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        let escape = escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\';
        if !escape {
            out.push(c);
        } else if let Some(named) = named_escape(c) {
            out.push_str(named);
        } else {
            let (prefix, width) = match u32::from(c) {
                0..=0xFF => ('x', 2),
                0x100..=0xFFFF => ('u', 4),
                _ => ('U', 8),
            };
            write!(out, "\\{prefix}{:0width$X}", u32::from(c))
                .expect("writing to a String cannot fail");
        }
    }
    out.push('"');
    out
}

/// The escapes with a name in YAML's double-quoted style, as go-yaml uses them.
fn named_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "\\0",
        '\x07' => "\\a",
        '\x08' => "\\b",
        '\t' => "\\t",
        '\n' => "\\n",
        '\x0B' => "\\v",
        '\x0C' => "\\f",
        '\r' => "\\r",
        '\x1B' => "\\e",
        '"' => "\\\"",
        '\\' => "\\\\",
        '\u{85}' => "\\N",
        '\u{A0}' => "\\_",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        _ => return None,
    })
}

/// Plain scalars that go-yaml's `resolveMap` turns into a bool, null or special float. (Its `<<` is
/// never looked up: go-yaml consults the map only for a string whose first byte is in
/// `resolveTable`, and `<` is not.)
const KEYWORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", //
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", //
    "~", "null", "Null", "NULL", //
    ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", //
    "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// Whether go-yaml's `resolve("", s)` gives anything but `!!str`, i.e. whether `s` written plain
/// would be read back as null, a bool, an int, a float or a timestamp.
fn resolves_to_non_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true; // the empty plain scalar is null
    };
    if KEYWORDS.contains(&s) {
        return true;
    }
    match first {
        // strconv.ParseFloat on the text as it is: underscores only between digits.
        b'.' => underscores_between_digits(s) && is_yaml_float(&s.replace('_', "")),
        b'0'..=b'9' | b'+' | b'-' => {
            // Numbers are tried with every underscore removed, wherever it stood.
            let plain = s.replace('_', "");
            is_timestamp(s)
                || is_go_integer(&plain, 0)
                || is_yaml_float(&plain)
                // A legacy branch of resolve(), ParseInt(plain[2:], 2), takes a sign after `0b`.
                || plain.strip_prefix("0b").is_some_and(|rest| is_go_integer(rest, 2))
        }
        _ => false,
    }
}

/// Whether Go's `strconv.ParseInt(s, base, 64)` or, failing that, `strconv.ParseUint(s, base, 64)`
/// succeeds. Base 0 takes the base from a `0b`, `0o`, `0x` or bare `0` prefix.
fn is_go_integer(s: &str, base: u32) -> bool {
    let (sign, unsigned) = match s.as_bytes().first() {
        Some(&sign @ (b'+' | b'-')) => (Some(sign), &s[1..]),
        _ => (None, s),
    };
    if unsigned.is_empty() {
        return false;
    }
    let (digits, radix) = match (base, unsigned.as_bytes()) {
        (0, [b'0', prefix, _, ..]) if prefix.eq_ignore_ascii_case(&b'b') => (&unsigned[2..], 2),
        (0, [b'0', prefix, _, ..]) if prefix.eq_ignore_ascii_case(&b'o') => (&unsigned[2..], 8),
        (0, [b'0', prefix, _, ..]) if prefix.eq_ignore_ascii_case(&b'x') => (&unsigned[2..], 16),
        (0, [b'0', ..]) => (&unsigned[1..], 8),
        (0, _) => (unsigned, 10),
        _ => (unsigned, base),
    };
    let magnitude = digits.chars().try_fold(0u64, |n, c| {
        n.checked_mul(u64::from(radix))?.checked_add(u64::from(c.to_digit(radix)?))
    });
    // A sign means ParseInt's int64 range; ParseUint takes no sign but goes up to u64::MAX.
    magnitude.is_some_and(|m| match sign {
        Some(b'-') => m <= 1 << 63,
        Some(_) => m < 1 << 63,
        None => true,
    })
}

/// go-yaml's `yamlStyleFloat`, `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, for a
/// number that strconv.ParseFloat can hold: it refuses one that overflows, like `1e400`.
fn is_yaml_float(s: &str) -> bool {
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let mantissa_ok = all_digits(whole)
        && fraction.is_none_or(all_digits)
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && all_digits(digits)
    });
    mantissa_ok && exponent_ok && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `underscoreOK` for a decimal number: each `_` stands between two digits.
fn underscores_between_digits(s: &str) -> bool {
    let bytes = s.as_bytes();
    let digit_at = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    (0..bytes.len())
        .all(|i| bytes[i] != b'_' || digit_at(i.checked_sub(1)) && digit_at(Some(i + 1)))
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`. YAML 1.1
/// reads `1:20` as 80, so go-yaml quotes such strings although it does not parse them itself.
fn is_base60_float(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (sexagesimal, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let Some((head, sixties)) = sexagesimal.split_once(':') else {
        return false;
    };
    let digits_or_underscores = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    head.starts_with(|c: char| c.is_ascii_digit())
        && digits_or_underscores(head)
        && sixties
            .split(':')
            .all(|part| matches!(part.as_bytes(), [b'0'..=b'9'] | [b'0'..=b'5', b'0'..=b'9']))
        && digits_or_underscores(fraction)
}

/// go-yaml's `parseTimestamp`: whether Go's `time.Parse` accepts `s` in one of the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`), `2006-1-2 15:4:5.999999999` or
/// `2006-1-2`, range checks included (`2023-02-29` is no date).
fn is_timestamp(s: &str) -> bool {
    fn parse(mut rest: &[u8]) -> Option<()> {
        let year = take_digits(&mut rest, 4, 4)?;
        take_byte(&mut rest, b'-')?;
        let month = take_digits(&mut rest, 1, 2)?;
        take_byte(&mut rest, b'-')?;
        let day = take_digits(&mut rest, 1, 2)?;
        if !(1..=12).contains(&month) || !(1..=days_in_month(month, year)).contains(&day) {
            return None;
        }
        let Some((&separator, mut rest)) = rest.split_first() else {
            return Some(()); // a bare date
        };
        if separator == b' ' {
            // A space in a Go layout matches any run of spaces.
            rest = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
        }
        let hour = take_digits(&mut rest, 1, 2)?;
        take_byte(&mut rest, b':')?;
        let minute = take_digits(&mut rest, 1, 2)?;
        take_byte(&mut rest, b':')?;
        let second = take_digits(&mut rest, 1, 2)?;
        if hour >= 24 || minute >= 60 || second >= 60 {
            return None;
        }
        // An optional fraction of a second: a period or comma and at least one digit.
        if let [b'.' | b',', b'0'..=b'9', ..] = rest {
            let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            rest = &rest[1 + digits..];
        }
        let valid_end = match (separator, rest) {
            (b' ', []) => true,
            (b'T' | b't', [b'Z']) => true,
            (b'T' | b't', [b'+' | b'-', offset @ ..]) => {
                let mut offset = offset;
                // Exactly `HH:MM`; Go allows up to 24 hours and 60 minutes.
                take_digits(&mut offset, 2, 2).is_some_and(|hours| hours <= 24)
                    && take_byte(&mut offset, b':').is_some()
                    && take_digits(&mut offset, 2, 2).is_some_and(|minutes| minutes <= 60)
                    && offset.is_empty()
            }
            _ => false,
        };
        valid_end.then_some(())
    }
    parse(s.as_bytes()).is_some()
}

/// Takes between `min` and `max` leading ASCII digits, as many as there are, and returns their value.
fn take_digits(rest: &mut &[u8], min: usize, max: usize) -> Option<u32> {
    let n = rest.iter().take(max).take_while(|b| b.is_ascii_digit()).count();
    if n < min {
        return None;
    }
    let (digits, tail) = rest.split_at(n);
    *rest = tail;
    Some(digits.iter().fold(0, |value, d| value * 10 + u32::from(d - b'0')))
}

/// Takes the leading byte if it is `expected`.
fn take_byte(rest: &mut &[u8], expected: u8) -> Option<()> {
    let (&first, tail) = rest.split_first()?;
    (first == expected).then(|| *rest = tail)
}

/// The days of `month` (1 to 12) in the Gregorian `year`.
fn days_in_month(month: u32, year: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_rendered(cases: &[(&str, &str)]) {
        for &(input, expected) in cases {
            assert_eq!(render_string(input), expected, "rendering {input:?}");
            assert_eq!(needs_quotes(input), input != expected, "needs_quotes({input:?})");
        }
    }

    #[test]
    fn ordinary_kubernetes_names_stay_plain() {
        for name in
            ["acr-secret", "a.b", "myregistry.azurecr.io", "kube-system", "x", "nano", "off-1"]
        {
            assert_eq!(render_string(name), name);
            assert!(matches!(render_string(name), Cow::Borrowed(_)), "{name} should not allocate");
        }
    }

    #[test]
    fn yaml_1_1_booleans_and_nulls_are_double_quoted() {
        for word in KEYWORDS.iter().chain(&[""]) {
            assert_eq!(render_string(word), format!("\"{word}\""));
        }
    }

    #[test]
    fn words_that_only_resemble_keywords_stay_plain() {
        assert_rendered(&[
            ("yES", "yES"),
            ("nan", "nan"),
            ("inf", "inf"),
            ("<<", "<<"),
            ("none", "none"),
        ]);
    }

    #[test]
    fn words_that_only_start_like_numbers_keywords_or_dates_stay_plain() {
        for text in ["nope", "yes-please", "n1", "1a", "1-2", "_1", "-a", ".x", "2024-01-15-prod"] {
            assert_eq!(render_string(text), text);
        }
    }

    #[test]
    fn what_a_sealed_secret_holds_stays_plain() {
        // Names, keys, the Secret type, a certificate fingerprint, base64 ciphertext.
        for text in [
            "acr-pull",
            ".dockerconfigjson",
            "kubernetes.io/dockerconfigjson",
            "sha256:ab12",
            "AgBy+/Az==",
        ] {
            assert_eq!(render_string(text), text);
        }
    }

    #[test]
    fn integers_in_any_go_syntax_are_double_quoted() {
        for number in
            ["1", "007", "-1", "+1", "0x1f", "0X1F", "0b101", "0o17", "0O17", "1_000", "1__0_"]
        {
            assert_eq!(render_string(number), format!("\"{number}\""));
        }
    }

    #[test]
    fn integers_are_double_quoted_up_to_the_unsigned_64_bit_limit() {
        assert_rendered(&[
            ("18446744073709551615", "\"18446744073709551615\""),
            ("-9223372036854775808", "\"-9223372036854775808\""),
            // Too big for an integer, these are still floats.
            ("18446744073709551616", "\"18446744073709551616\""),
            ("+9223372036854775808", "\"+9223372036854775808\""),
            // Neither an integer nor a float.
            ("0x10000000000000000", "0x10000000000000000"),
        ]);
    }

    #[test]
    fn a_sign_after_0b_still_reads_as_an_integer() {
        assert_rendered(&[("0b-101", "\"0b-101\""), ("0b+1", "\"0b+1\""), ("-0b-1", "-0b-1")]);
    }

    #[test]
    fn malformed_numbers_stay_plain() {
        for text in
            ["0x", "0b", "0b2", "0xg", "1-1", "1.2.3", "1e", "e1", "+", "1f", "10.0.0.1", "1+1"]
        {
            assert_eq!(render_string(text), text);
        }
    }

    #[test]
    fn octal_looking_numbers_with_8_or_9_read_as_floats() {
        assert_rendered(&[("09", "\"09\""), ("0_9", "\"0_9\"")]);
    }

    #[test]
    fn floats_are_double_quoted() {
        for number in ["1e3", "1E+3", "1.5", "1.", "-.5", "+1.5e-7", "-1.5E-3", "6.02_2e23"] {
            assert_eq!(render_string(number), format!("\"{number}\""));
        }
    }

    #[test]
    fn floats_that_overflow_stay_plain_because_go_cannot_parse_them() {
        assert_rendered(&[
            ("1e400", "1e400"),
            ("1e999", "1e999"),
            ("1e308", "\"1e308\""),
            ("-1e309", "-1e309"),
        ]);
    }

    #[test]
    fn a_leading_dot_is_a_float_only_if_go_parses_it_as_written() {
        assert_rendered(&[
            (".5", "\".5\""),
            (".5e3", "\".5e3\""),
            (".5_5", "\".5_5\""),
            ("._5", "._5"),
            (".5_", ".5_"),
            (".", "."),
            ("..5", "..5"),
            (".inf", "\".inf\""),
        ]);
    }

    #[test]
    fn base_60_numbers_are_double_quoted() {
        assert_rendered(&[
            ("1:20", "\"1:20\""),
            ("-1:2:59.5", "\"-1:2:59.5\""),
            ("190:20:30", "\"190:20:30\""),
            ("1:60", "1:60"),
            ("1:", "'1:'"),
        ]);
    }

    #[test]
    fn dates_and_times_are_double_quoted() {
        assert_rendered(&[
            ("2024-01-02", "\"2024-01-02\""),
            ("2024-1-2", "\"2024-1-2\""),
            ("2024-02-29", "\"2024-02-29\""),
            ("2001-12-14t21:59:43.10-05:00", "\"2001-12-14t21:59:43.10-05:00\""),
            ("2001-12-14T21:59:43Z", "\"2001-12-14T21:59:43Z\""),
            ("2001-12-14   21:59:43,5", "\"2001-12-14   21:59:43,5\""),
        ]);
    }

    #[test]
    fn impossible_dates_and_times_stay_plain() {
        assert_rendered(&[
            ("2023-02-29", "2023-02-29"),
            ("2024-13-01", "2024-13-01"),
            ("2024-01-02-x", "2024-01-02-x"),
            ("20240-01-02", "20240-01-02"),
            ("2001-12-14T24:00:00Z", "2001-12-14T24:00:00Z"),
            ("2001-12-14T21:59:43", "2001-12-14T21:59:43"),
            ("2001-12-14T21:59:43+25:00", "2001-12-14T21:59:43+25:00"),
        ]);
    }

    #[test]
    fn indicators_that_break_a_plain_scalar_force_single_quotes() {
        assert_rendered(&[
            ("a: b", "'a: b'"),
            ("a:", "'a:'"),
            ("a #b", "'a #b'"),
            ("- a", "'- a'"),
            ("-", "'-'"),
            ("---x", "'---x'"),
            ("...", "'...'"),
            ("*x", "'*x'"),
            ("@x", "'@x'"),
            ("'x'", "'''x'''"),
            ("\"x", "'\"x'"),
            (" x", "' x'"),
            ("x ", "'x '"),
        ]);
    }

    #[test]
    fn indicators_that_a_plain_scalar_tolerates_stay_plain() {
        for text in [
            "a:b",
            "a#b",
            "-x",
            ":x",
            "?x",
            "a,b",
            "a[b]",
            "a b",
            "x'y",
            "é",
            "a!b",
            "https://x/y?z=1",
        ] {
            assert_eq!(render_string(text), text);
        }
    }

    #[test]
    fn characters_yaml_cannot_print_force_double_quotes_and_escapes() {
        assert_rendered(&[
            ("a\tb", r#""a\tb""#),
            ("\0\x07\x08\x0B\x0C\x1B\x7F", r#""\0\a\b\v\f\e\x7F""#),
            ("a\rb", r#""a\rb""#),
            ("\u{85}\u{9F}", r#""\N\x9F""#),
            ("\u{FFFE}", r#""\uFFFE""#),
            ("😀", r#""\U0001F600""#),
            ("tab\t\"quoted\" \\ é\u{A0}", "\"tab\\t\\\"quoted\\\" \\\\ é\u{A0}\""),
        ]);
    }

    #[test]
    fn a_leading_bom_escapes_every_character() {
        assert_rendered(&[("\u{FEFF}ab\"\u{A0}é", r#""\uFEFF\x61\x62\"\_\xE9""#)]);
    }

    #[test]
    fn line_breaks_are_approximated_by_double_quotes() {
        assert_rendered(&[
            ("a\nb", r#""a\nb""#),
            ("a\u{2028}b", r#""a\Lb""#),
            ("a\u{2029}", r#""a\P""#),
        ]);
    }
}
