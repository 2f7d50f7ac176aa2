//! One value encrypted as sops encrypts a leaf (`aes/cipher.go`): AES-256-GCM under the file's
//! data key, with a fresh 32-byte IV (sops' nonce size, not GCM's usual 12) and the leaf's path
//! as additional data, written as `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`.

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// AES-256-GCM with sops' 32-byte IVs.
type SopsGcm = AesGcm<Aes256, U32>;

/// The length of a GCM tag, which sops writes apart from the ciphertext.
const TAG_LEN: usize = 16;

/// The random 32-byte key that encrypts every value of one document (and its MAC). It exists
/// only in memory, wiped on drop; what leaves the process is its age encryption.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A fresh key from the operating system's random number generator.
    ///
    /// # Panics
    ///
    /// If the generator fails: encrypting without good randomness would be worse than stopping.
    pub fn generate() -> DataKey {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut_slice()).expect("the OS random number generator failed");
        DataKey(key)
    }

    /// The key's bytes, for wrapping it to the recipients.
    pub fn bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    #[cfg(test)]
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(Zeroizing::new(bytes))
    }

    fn cipher(&self) -> SopsGcm {
        SopsGcm::new_from_slice(self.bytes()).expect("AES-256 takes a 32-byte key")
    }
}

/// Never prints the key.
impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// The additional data that binds a value to where it stands: the keys on its path, each
/// followed by `:` (`data:.dockerconfigjson:`), so that a value moved elsewhere fails to decrypt.
pub fn path_aad(path: &[&str]) -> String {
    path.iter().map(|key| format!("{key}:")).collect()
}

/// `plaintext`, a string leaf, encrypted under `key` with `aad` and a fresh IV.
pub fn encrypt_str(key: &DataKey, plaintext: &str, aad: &str) -> String {
    let mut iv = [0u8; 32];
    getrandom::fill(&mut iv).expect("the OS random number generator failed");
    encrypt_str_with_iv(key, plaintext, aad, &iv)
}

/// [`encrypt_str`] with a given IV: what makes the output testable.
fn encrypt_str_with_iv(key: &DataKey, plaintext: &str, aad: &str, iv: &[u8; 32]) -> String {
    let payload = Payload { msg: plaintext.as_bytes(), aad: aad.as_bytes() };
    let sealed = key
        .cipher()
        .encrypt(&Nonce::<U32>::from(*iv), payload)
        .expect("AES-GCM takes up to 64 GiB of plaintext");
    let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
    format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:str]",
        STANDARD.encode(ciphertext),
        STANDARD.encode(iv),
        STANDARD.encode(tag)
    )
}

/// Whether `value` has the shape of a value sops encrypted as a string (without opening it).
pub fn is_encrypted_str(value: &str) -> bool {
    value.strip_prefix("ENC[AES256_GCM,data:").is_some_and(|rest| rest.ends_with(",type:str]"))
}

/// Opens an `ENC[...]` string value: for tests, which check what the real sops would see.
#[cfg(test)]
pub fn decrypt_str(key: &DataKey, value: &str, aad: &str) -> Result<Zeroizing<String>, String> {
    let inner = value
        .strip_prefix("ENC[AES256_GCM,")
        .and_then(|rest| rest.strip_suffix(']'))
        .ok_or("not an ENC[AES256_GCM,...] value")?;
    let field = |name: &str| {
        inner
            .split(',')
            .find_map(|part| part.strip_prefix(name)?.strip_prefix(':'))
            .ok_or(format!("no {name}"))
    };
    let decode = |name: &str| STANDARD.decode(field(name)?).map_err(|e| format!("{name}: {e}"));
    let (mut sealed, iv, tag) = (decode("data")?, decode("iv")?, decode("tag")?);
    if field("type")? != "str" || iv.len() != 32 || tag.len() != TAG_LEN {
        return Err("not a string value with a 32-byte IV and a 16-byte tag".into());
    }
    sealed.extend_from_slice(&tag);
    let payload = Payload { msg: &sealed, aad: aad.as_bytes() };
    let plaintext = key
        .cipher()
        .decrypt(&Nonce::<U32>::try_from(iv.as_slice()).expect("checked: 32 bytes"), payload)
        .map_err(|_| "authentication failed".to_string())?;
    String::from_utf8(plaintext).map(Zeroizing::new).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aad_is_every_key_of_the_path_followed_by_a_colon() {
        assert_eq!(path_aad(&["data", ".dockerconfigjson"]), "data:.dockerconfigjson:");
        assert_eq!(path_aad(&[]), "");
    }

    #[test]
    fn a_value_has_sops_layout_with_a_32_byte_iv_and_a_separate_tag() {
        let key = DataKey::from_bytes([7; 32]);
        let value = encrypt_str_with_iv(&key, "hello", "a:", &[1; 32]);
        assert!(is_encrypted_str(&value), "{value}");
        let iv = STANDARD.encode([1u8; 32]);
        assert!(value.contains(&format!(",iv:{iv},tag:")), "{value}");
        let data = value.strip_prefix("ENC[AES256_GCM,data:").unwrap().split(',').next().unwrap();
        assert_eq!(STANDARD.decode(data).unwrap().len(), "hello".len(), "the tag is apart");
    }

    #[test]
    fn a_value_opens_only_at_its_own_path() {
        let key = DataKey::from_bytes([7; 32]);
        let value = encrypt_str(&key, "hello", "data:x:");
        assert_eq!(*decrypt_str(&key, &value, "data:x:").unwrap(), "hello");
        assert!(decrypt_str(&key, &value, "data:y:").is_err());
        assert!(decrypt_str(&DataKey::from_bytes([8; 32]), &value, "data:x:").is_err());
    }

    #[test]
    fn every_encryption_draws_a_new_iv() {
        let key = DataKey::from_bytes([7; 32]);
        assert_ne!(encrypt_str(&key, "same", "a:"), encrypt_str(&key, "same", "a:"));
    }
}
