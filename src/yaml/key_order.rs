//! Map keys in the order go-yaml v2 prints them.
//!
//! kubectl and kubeseal print YAML through sigs.k8s.io/yaml, which hands the object to go-yaml v2
//! (`go.yaml.in/yaml/v2`, formerly `gopkg.in/yaml.v2`); its encoder sorts every mapping's keys by
//! this order. Writing keys the same way makes what we print byte-identical to what they print.

use std::cmp::Ordering;

/// go-yaml v2's order of map keys (`keyList.Less` in sorter.go): letters sort after other
/// characters, and runs of digits compare by value, so `key9` comes before `key10`. Bytes stand
/// in for Go's runes, which is exact for ASCII keys (Kubernetes data keys are
/// `[-._a-zA-Z0-9]+`).
pub fn go_yaml_v2(a: &str, b: &str) -> Ordering {
    if yaml_v2_less(a.as_bytes(), b.as_bytes()) {
        Ordering::Less
    } else if yaml_v2_less(b.as_bytes(), a.as_bytes()) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// `keyList.Less`: whether `a` sorts before `b`.
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

    // Checked against gopkg.in/yaml.v2 2.4.0, going JSON -> yaml.Unmarshal -> yaml.Marshal as
    // sigs.k8s.io/yaml's JSONToYAML does for kubeseal.

    #[test]
    fn letters_sort_after_other_characters() {
        let mut keys = ["key10", "key9", "a", "Key", "_x", ".dockerconfigjson"];
        keys.sort_by(|a, b| go_yaml_v2(a, b));
        assert_eq!(keys, [".dockerconfigjson", "_x", "Key", "a", "key9", "key10"]);
    }

    #[test]
    fn runs_of_digits_compare_by_value_then_by_length() {
        let mut runs = ["a100", "a21", "a01", "a10", "a20", "a1"];
        runs.sort_by(|a, b| go_yaml_v2(a, b));
        assert_eq!(runs, ["a1", "a01", "a10", "a20", "a21", "a100"]);
    }
}
