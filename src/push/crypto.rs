//! WeChat's message encryption: AES-256-CBC with the key from the EncodingAESKey, the IV its
//! first 16 bytes, and a plaintext of 16 random bytes, a 4-byte big-endian length, the
//! message and the appid, padded PKCS#7-style to a multiple of **32** bytes.

use aes::Aes256;
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};

use super::error::{PushError, excerpt};

/// WeChat pads to multiples of 32 bytes, not AES's 16.
const PAD_BLOCK: usize = 32;
/// 16 random bytes and the 4-byte length come before the message.
const HEADER: usize = 20;

/// Standard base64 that accepts non-zero trailing bits (most real EncodingAESKeys have them)
/// and padding or none.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The strict engine for what WeChat sends (`Encrypt` is canonical base64 with padding).
const STRICT: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The 32-byte AES key decoded from an EncodingAESKey. Never printed.
#[derive(Clone)]
pub(crate) struct AesKey([u8; 32]);

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey(<redacted>)")
    }
}

impl AesKey {
    /// Decodes the 43-character EncodingAESKey (WeChat appends `=` to make it base64).
    pub(crate) fn from_encoding_aes_key(key: &str) -> Result<Self, PushError> {
        let length = key.chars().count();
        if length != 43 {
            return Err(PushError::InvalidKey {
                reason: format!("this one has {length} characters"),
            });
        }
        if let Some(position) = key
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/'))
        {
            return Err(PushError::InvalidKey {
                reason: format!("character {} is not one of them", position + 1),
            });
        }
        let bytes = LENIENT.decode(key).map_err(|_| PushError::InvalidKey {
            reason: "it does not decode".to_string(),
        })?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| PushError::InvalidKey {
            reason: "it does not decode to 32 bytes".to_string(),
        })?;
        Ok(Self(key))
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.0[..16]);
        iv
    }

    /// Decrypts an `Encrypt` value and returns the message, after checking the padding byte
    /// by byte, the length field and the appid.
    pub(crate) fn decrypt(&self, encrypted: &str, appid: &str) -> Result<Vec<u8>, PushError> {
        let mut buffer = STRICT
            .decode(encrypted.as_bytes())
            .map_err(|_| PushError::Base64)?;
        if buffer.is_empty() || buffer.len() % 16 != 0 {
            return Err(PushError::CiphertextLength(buffer.len()));
        }
        let decryptor = cbc::Decryptor::<Aes256>::new(&self.0.into(), &self.iv().into());
        let plain_len = decryptor
            .decrypt_padded::<NoPadding>(&mut buffer)
            .map_err(|_| PushError::Padding)?
            .len();
        buffer.truncate(plain_len);
        let unpadded = strip_padding(&buffer)?;
        let Some(length_bytes) = unpadded.get(16..HEADER) else {
            return Err(PushError::LengthField {
                declared: 0,
                available: 0,
            });
        };
        let mut length = [0u8; 4];
        length.copy_from_slice(length_bytes);
        let declared = u32::from_be_bytes(length) as usize;
        let rest = &unpadded[HEADER..];
        if declared > rest.len() {
            return Err(PushError::LengthField {
                declared: declared as u64,
                available: rest.len(),
            });
        }
        let (message, received_appid) = rest.split_at(declared);
        if received_appid != appid.as_bytes() {
            return Err(PushError::AppidMismatch {
                received: excerpt(&String::from_utf8_lossy(received_appid), 64),
            });
        }
        Ok(message.to_vec())
    }

    /// Encrypts `message` for `appid` with the 16 `random` bytes in front, as WeChat does.
    pub(crate) fn encrypt(&self, message: &[u8], appid: &str, random: [u8; 16]) -> String {
        let body_len = HEADER + message.len() + appid.len();
        let pad = PAD_BLOCK - body_len % PAD_BLOCK;
        let mut buffer = Vec::with_capacity(body_len + pad);
        buffer.extend_from_slice(&random);
        // A push larger than 4 GiB cannot be built; saturate rather than wrap.
        let length = u32::try_from(message.len()).unwrap_or(u32::MAX);
        buffer.extend_from_slice(&length.to_be_bytes());
        buffer.extend_from_slice(message);
        buffer.extend_from_slice(appid.as_bytes());
        // `pad` is 1..=32, so it fits a byte.
        buffer.resize(body_len + pad, pad as u8);
        let encryptor = cbc::Encryptor::<Aes256>::new(&self.0.into(), &self.iv().into());
        let len = buffer.len();
        match encryptor.encrypt_padded::<NoPadding>(&mut buffer, len) {
            Ok(ciphertext) => STRICT.encode(ciphertext),
            // Unreachable: the buffer is a multiple of 32 bytes.
            Err(_) => String::new(),
        }
    }
}

/// Removes WeChat's padding: the last byte `n` is 1..=32 and the last `n` bytes all equal `n`.
fn strip_padding(buffer: &[u8]) -> Result<&[u8], PushError> {
    let Some(&last) = buffer.last() else {
        return Err(PushError::Padding);
    };
    let pad = usize::from(last);
    if pad == 0 || pad > PAD_BLOCK || pad > buffer.len() {
        return Err(PushError::Padding);
    }
    let (kept, padding) = buffer.split_at(buffer.len() - pad);
    if padding.iter().any(|&byte| byte != last) {
        return Err(PushError::Padding);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn a_key_with_trailing_bits_decodes() {
        assert!(
            base64::engine::general_purpose::STANDARD
                .decode(format!("{KEY_A}="))
                .is_err()
        );
        assert!(AesKey::from_encoding_aes_key(KEY_A).is_ok());
    }

    #[test]
    fn keys_of_the_wrong_length_or_alphabet_are_refused_without_echo() {
        for bad in [
            "",
            "short",
            &format!("{KEY_A}H"),
            &KEY_A.replace('a', "-"),
            &KEY_A.replace('a', "="),
        ] {
            let err = AesKey::from_encoding_aes_key(bad).unwrap_err();
            assert!(matches!(err, PushError::InvalidKey { .. }), "{bad}: {err}");
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad));
            }
        }
    }

    #[test]
    fn padding_is_checked_byte_by_byte() {
        let mut buffer = vec![7u8; 40];
        buffer[39] = 22;
        assert_eq!(strip_padding(&buffer), Err(PushError::Padding));
        buffer[18..40].fill(22);
        assert_eq!(strip_padding(&buffer).map(<[u8]>::len), Ok(18));
        buffer[20] = 21;
        assert_eq!(strip_padding(&buffer), Err(PushError::Padding));
        assert_eq!(strip_padding(&[0]), Err(PushError::Padding));
        assert_eq!(strip_padding(&[33; 64]), Err(PushError::Padding));
        assert_eq!(strip_padding(&[]), Err(PushError::Padding));
    }

    #[test]
    fn encrypt_then_decrypt_gives_the_message_back() {
        let key = AesKey::from_encoding_aes_key(KEY_A).unwrap();
        for size in [0, 1, 11, 12, 43, 44, 100] {
            let message = vec![b'x'; size];
            let encrypted = key.encrypt(&message, "wxappid", [9; 16]);
            assert_eq!(key.decrypt(&encrypted, "wxappid").unwrap(), message);
            assert!(matches!(
                key.decrypt(&encrypted, "wxother"),
                Err(PushError::AppidMismatch { .. })
            ));
        }
    }
}
