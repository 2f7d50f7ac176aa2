//! The `SealedSecret` manifest, printed as `kubeseal -o yaml` (v0.32+) prints it.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::RangeInclusive;

use super::Scope;

/// The annotation that records which certificate sealed the values (its fingerprint), on the
/// top-level metadata only. A new certificate changes it, so a re-seal is visible in a diff, and a
/// run can tell whether the values in a file were sealed with the certificate it was given.
pub const CERT_ANNOTATION: &str = "acr-inject.dev/sealing-cert";

/// The contents of one SealedSecret.
#[derive(Debug, Clone, Copy)]
pub struct SealedSecretSpec<'a> {
    /// `metadata.name`, also part of the strict label.
    pub name: &'a str,
    /// `metadata.namespace`; may be `None` only for cluster-wide.
    pub namespace: Option<&'a str>,
    /// The scope the values were sealed in: its annotation tells the controller which label to use.
    pub scope: Scope,
    /// `type` of the Secret the controller makes, e.g. `kubernetes.io/dockerconfigjson`.
    pub secret_type: &'a str,
    /// Data keys and their values from [`super::seal`], in any order.
    pub encrypted_data: &'a [(&'a str, String)],
    /// [`super::SealingCert::fingerprint`] of the certificate the values were sealed with.
    pub cert_fingerprint: &'a str,
}

/// Prints the manifest as `kubeseal -o yaml` does (keys sorted at every level, the scope annotation
/// on both metadata blocks, no `creationTimestamp`), plus the [`CERT_ANNOTATION`].
///
/// Every line ends with `eol` ("\n" or "\r\n", to match the stream it goes into), the last one too.
/// There is no leading `---`: the caller separates documents.
///
/// Names, namespace, keys and type are expected to be valid for Kubernetes (the caller checks them);
/// with those, the only YAML hazard is a word that YAML 1.1 reads as a bool, number, null or date,
/// and it is double-quoted as kubeseal's printer does.
pub fn render_sealed_secret(spec: &SealedSecretSpec<'_>, eol: &str) -> String {
    let scope_annotation = spec.scope.annotation().map(|key| format!("{key}: \"true\""));
    let name = format!("name: {}", scalar(spec.name));
    let namespace = spec.namespace.map(|ns| format!("namespace: {}", scalar(ns)));

    let mut lines = vec![
        "apiVersion: bitnami.com/v1alpha1".to_owned(),
        "kind: SealedSecret".to_owned(),
        "metadata:".to_owned(),
        "  annotations:".to_owned(),
        format!("    {CERT_ANNOTATION}: {}", scalar(spec.cert_fingerprint)),
    ];
    lines.extend(scope_annotation.iter().map(|a| format!("    {a}")));
    lines.push(format!("  {name}"));
    lines.extend(namespace.iter().map(|ns| format!("  {ns}")));
    lines.push("spec:".to_owned());
    if spec.encrypted_data.is_empty() {
        lines.push("  encryptedData: {}".to_owned());
    } else {
        lines.push("  encryptedData:".to_owned());
        let mut data: Vec<_> = spec.encrypted_data.iter().collect();
        data.sort_by(|(a, _), (b, _)| yaml_v2_key_order(a, b));
        lines.extend(
            data.iter().map(|(key, value)| format!("    {}: {}", scalar(key), scalar(value))),
        );
    }
    lines.push("  template:".to_owned());
    lines.push("    metadata:".to_owned());
    if let Some(a) = &scope_annotation {
        lines.push("      annotations:".to_owned());
        lines.push(format!("        {a}"));
    }
    lines.push(format!("      {name}"));
    lines.extend(namespace.iter().map(|ns| format!("      {ns}")));
    lines.push(format!("    type: {}", scalar(spec.secret_type)));

    let mut out = lines.join(eol);
    out.push_str(eol);
    out
}

/// `s` as a YAML scalar, quoted where kubeseal's printer (Go's yaml.v2) quotes it: where a YAML 1.1
/// reader (yaml.v2 behind kubectl and the controller, PyYAML) would take it for a bool, null,
/// number or date, and `-` alone, which would open a block sequence.
fn scalar(s: &str) -> Cow<'_, str> {
    if s == "-" {
        Cow::Borrowed("'-'")
    } else if resolves_to_non_string(s) {
        Cow::Owned(format!("\"{s}\""))
    } else {
        Cow::Borrowed(s)
    }
}

/// yaml.v2's `resolve` for an untagged plain scalar, reduced to "is it not a string?".
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    match s.as_bytes()[0] {
        b'.' => is_float(s),
        b'0'..=b'9' | b'+' | b'-' => {
            // yaml.v2 drops underscores before reading numbers ("1_000").
            let plain = s.replace('_', "");
            is_date(s) || is_float(&plain) || is_prefixed_int(&plain)
        }
        _ => false,
    }
}

/// yaml.v2's float syntax, `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, which also
/// covers decimal integers; Go's `ParseFloat` then rejects values out of range ("1e999" stays plain).
fn is_float(s: &str) -> bool {
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    digits(int)
        && digits(frac)
        && !(int.is_empty() && frac.is_empty())
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
        && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `0x`, `0o` and `0b` integers, with an optional sign (`strconv.ParseInt(s, 0, 64)`).
fn is_prefixed_int(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let radix = match s.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0o" | "0O") => 8,
        Some("0b" | "0B") => 2,
        _ => return false,
    };
    s.len() > 2 && s[2..].chars().all(|c| c.is_digit(radix))
}

/// A date-only YAML 1.1 timestamp that Go's `time.Parse("2006-1-2", s)` accepts.
fn is_date(s: &str) -> bool {
    let number = |part: &str, lengths: RangeInclusive<usize>| -> Option<u32> {
        let digits = lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| part.parse().ok()).flatten()
    };
    let parts: Vec<&str> = s.split('-').collect();
    let [year, month, day] = parts[..] else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) =
        (number(year, 4..=4), number(month, 1..=2), number(day, 1..=2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// The map-key order of Go's yaml.v2 (`keyList.Less` in sorter.go), which kubeseal's printer uses:
/// letters sort after other characters, and runs of digits compare by value, so `key9` comes
/// before `key10`. Data keys are ASCII (`[-._a-zA-Z0-9]+`), so bytes stand in for Go's runes.
fn yaml_v2_key_order(a: &str, b: &str) -> Ordering {
    if yaml_v2_less(a.as_bytes(), b.as_bytes()) {
        Ordering::Less
    } else if yaml_v2_less(b.as_bytes(), a.as_bytes()) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn yaml_v2_less(a: &[u8], b: &[u8]) -> bool {
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return a.len() < b.len();
    };
    let (al, bl) = (a[i].is_ascii_alphabetic(), b[i].is_ascii_alphabetic());
    if al && bl {
        return a[i] < b[i];
    }
    if al || bl {
        return bl;
    }
    // A yaml.v2 quirk, kept for identical output: when a '0' differs inside a number whose shared
    // digits are not all zeros, both values are seeded with 1.
    let shared_nonzero = (a[i] == b'0' || b[i] == b'0')
        && a[..i].iter().rev().take_while(|c| c.is_ascii_digit()).any(|&c| c != b'0');
    let run = |s: &[u8]| {
        let digits: Vec<u8> = s[i..].iter().copied().take_while(u8::is_ascii_digit).collect();
        let start = i64::from(shared_nonzero);
        let value =
            digits.iter().fold(start, |n, d| n.wrapping_mul(10).wrapping_add(i64::from(d - b'0')));
        (value, digits.len())
    };
    let ((an, alen), (bn, blen)) = (run(a), run(b));
    if an != bn {
        return an < bn;
    }
    if alen != blen {
        return alen < blen;
    }
    a[i] < b[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(data: &'a [(&'a str, String)]) -> SealedSecretSpec<'a> {
        SealedSecretSpec {
            name: "acr-pull",
            namespace: Some("team-a"),
            scope: Scope::Strict,
            secret_type: "kubernetes.io/dockerconfigjson",
            encrypted_data: data,
            cert_fingerprint: "sha256:00",
        }
    }

    // The quoting and ordering cases below were checked against gopkg.in/yaml.v2 2.4.0, going
    // JSON -> yaml.Unmarshal -> yaml.Marshal as sigs.k8s.io/yaml's JSONToYAML does for kubeseal.

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        for word in [
            "",
            "y",
            "n",
            "no",
            "Yes",
            "true",
            "off",
            "null",
            "~",
            "1",
            "+1",
            "-1",
            "007",
            "09",
            "1_000",
            "0x1f",
            "0o17",
            "0b101",
            "1.",
            ".5",
            "1e3",
            "-1.5E-3",
            ".inf",
            "-.Inf",
            ".nan",
            "2024-01-15",
            "2024-1-2",
            "2024-02-29",
        ] {
            assert_eq!(scalar(word), format!("\"{word}\""), "{word:?} should be quoted");
        }
    }

    #[test]
    fn a_lone_dash_is_single_quoted_like_yaml_v2_does() {
        assert_eq!(scalar("-"), "'-'");
    }

    #[test]
    fn leaves_ordinary_strings_plain() {
        for word in [
            "acr-pull",
            "nope",
            "yes-please",
            "n1",
            "1a",
            "0x",
            "0b2",
            "1-2",
            "_1",
            "e1",
            ".x",
            "-a",
            ".dockerconfigjson",
            "2023-02-29",
            "2024-13-01",
            "2024-01-15-prod",
            "sha256:ab12",
            "kubernetes.io/dockerconfigjson",
            "AgBy+/Az==",
            "1e999",
        ] {
            assert_eq!(scalar(word), word, "{word:?} should stay plain");
        }
    }

    #[test]
    fn data_keys_sort_as_yaml_v2_sorts_them() {
        let mut keys = ["key10", "key9", "a", "Key", "_x", ".dockerconfigjson"];
        keys.sort_by(|a, b| yaml_v2_key_order(a, b));
        assert_eq!(keys, [".dockerconfigjson", "_x", "Key", "a", "key9", "key10"]);

        let mut runs = ["a100", "a21", "a01", "a10", "a20", "a1"];
        runs.sort_by(|a, b| yaml_v2_key_order(a, b));
        assert_eq!(runs, ["a1", "a01", "a10", "a20", "a21", "a100"]);
    }

    #[test]
    fn renders_keys_in_order_and_quotes_names() {
        let data = [("b", "B".to_owned()), ("1", "A".to_owned())];
        let spec = SealedSecretSpec { name: "no", namespace: Some("1"), ..spec(&data) };
        let yaml = render_sealed_secret(&spec, "\n");
        assert!(yaml.contains("  encryptedData:\n    \"1\": A\n    b: B\n"), "{yaml}");
        assert!(yaml.contains("\n  name: \"no\"\n  namespace: \"1\"\nspec:"), "{yaml}");
        assert!(yaml.contains("\n      name: \"no\"\n      namespace: \"1\"\n"), "{yaml}");
    }

    #[test]
    fn cluster_wide_without_namespace_has_no_namespace_lines() {
        let data = [(".dockerconfigjson", "Ag==".to_owned())];
        let spec = SealedSecretSpec { namespace: None, scope: Scope::ClusterWide, ..spec(&data) };
        let yaml = render_sealed_secret(&spec, "\n");
        assert!(!yaml.contains("namespace:"), "{yaml}");
        assert_eq!(yaml.matches("sealedsecrets.bitnami.com/cluster-wide: \"true\"").count(), 2);
        assert_eq!(yaml.matches(CERT_ANNOTATION).count(), 1);
    }

    #[test]
    fn no_data_prints_an_empty_map() {
        let yaml = render_sealed_secret(&spec(&[]), "\n");
        assert!(yaml.contains("\nspec:\n  encryptedData: {}\n  template:\n"), "{yaml}");
    }

    #[test]
    fn crlf_ends_every_line() {
        let data = [(".dockerconfigjson", "Ag==".to_owned())];
        let yaml = render_sealed_secret(&spec(&data), "\r\n");
        assert!(yaml.ends_with("type: kubernetes.io/dockerconfigjson\r\n"), "{yaml}");
        assert_eq!(yaml.matches('\n').count(), yaml.matches("\r\n").count());
    }
}
