//! Encoding detection and decoding.
//!
//! [`decode`] turns the bytes of one input into a `String` and names the encoding it used.
//! The order of evidence is:
//!
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 2. binary content is refused (magic numbers of images, archives and executables, NUL
//!    bytes that are not the pattern of BOM-less UTF-16, more than 10% control bytes);
//! 3. the declared encoding (a flag, an HTTP `charset`, an HTML `<meta>` or an XML
//!    declaration) when it decodes cleanly — unless the bytes are valid non-ASCII UTF-8
//!    (a legacy label on a UTF-8 page is a common mistake), or a single-byte label is put on
//!    text (at least 20% non-ASCII bytes) that decodes cleanly in the multi-byte encoding the
//!    detector guesses. A declared encoding that does not decode cleanly gives way to
//!    detection, with a warning ("wrongly declared encoding");
//! 4. ISO-2022-JP, recognised by its escape sequences (it is 7-bit, so it would otherwise
//!    pass as UTF-8);
//! 5. valid UTF-8;
//! 6. text that is mostly valid UTF-8 with a few bad sequences, or cut in the middle of its
//!    last character, is reported as broken UTF-8 rather than guessed as a legacy encoding;
//! 7. chardetng's guess (UTF-8 not allowed, no TLD hint). When the guess is GBK and the bytes
//!    hold GB18030 four-byte sequences, the encoding is recorded as `gb18030`; chardetng's
//!    KOI8-U is recorded as KOI8-R when no byte where the two differ occurs.
//!
//! Decoding never substitutes U+FFFD: a bad byte sequence is an error naming its offset.

use std::sync::OnceLock;

use chardetng::EncodingDetector;
use encoding_rs::{
    DecoderResult, Encoding, GB18030, GBK, ISO_2022_JP, KOI8_R, KOI8_U, UTF_8, UTF_16BE, UTF_16LE,
};

use crate::IngestError;

/// Text decoded from bytes, with the encoding it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG encoding name as given by encoding_rs (`UTF-8`, `UTF-16LE`, `Shift_JIS`,
    /// `EUC-JP`, `ISO-2022-JP`, `EUC-KR`, `gb18030`, `GBK`, `Big5`, `KOI8-R`, `windows-1251`).
    pub encoding: String,
}

/// How many bytes the detector and the binary checks look at.
const SAMPLE: usize = 64 * 1024;

/// Decodes `bytes` from `origin`. Order: BOM; declared encoding (`declared`, from a flag,
/// HTTP header, HTML meta or XML declaration) when it decodes cleanly; valid UTF-8;
/// otherwise chardetng's guess. Errors: empty input, binary content, undecodable bytes.
pub fn decode(origin: &str, bytes: &[u8], declared: Option<&str>) -> Result<Decoded, IngestError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            origin: origin.into(),
        });
    }

    // 1. Byte order mark.
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let text = decode_strict(enc, &bytes[bom_len..])
            .map_err(|e| e.into_error(origin, enc.name(), bom_len))?;
        return finish(origin, text, enc);
    }

    // 2. Binary content, and BOM-less UTF-16.
    if let Some(reason) = magic_number(bytes) {
        return Err(IngestError::Binary {
            origin: origin.into(),
            reason: reason.into(),
        });
    }
    if let Some(first_nul) = memchr(0, bytes) {
        if let Some(enc) = utf16_by_nul_pattern(bytes)
            && let Ok(text) = decode_strict(enc, bytes)
            && control_ratio(text.as_bytes()) <= 0.10
        {
            return finish(origin, text, enc);
        }
        return Err(IngestError::Binary {
            origin: origin.into(),
            reason: format!("NUL byte at offset {first_nul}"),
        });
    }
    let ratio = control_ratio(&bytes[..bytes.len().min(SAMPLE)]);
    if ratio > 0.10 {
        return Err(IngestError::Binary {
            origin: origin.into(),
            reason: format!("{:.0}% of the bytes are control characters", ratio * 100.0),
        });
    }

    // 3. Declared encoding.
    let mut declared_failure = None;
    if let Some(label) = declared {
        match usable_declared(label) {
            None => tracing::warn!(
                origin,
                label,
                "ignoring unknown or unusable declared encoding"
            ),
            Some(enc) => match decode_strict(enc, bytes) {
                Ok(text) => return Ok(second_opinion(origin, bytes, enc, text)),
                Err(e) => declared_failure = Some((enc, e)),
            },
        }
    }

    // 4.–7. Detection.
    let detected = detect(origin, bytes);
    match (detected, declared_failure) {
        (Ok(d), Some((enc, _))) => {
            tracing::warn!(
                origin,
                declared = enc.name(),
                detected = %d.encoding,
                "wrongly declared encoding: the declared encoding does not decode these bytes; using the detected one"
            );
            Ok(d)
        }
        (Ok(d), None) => Ok(d),
        (Err(_), Some((enc, e))) => Err(e.into_error(origin, enc.name(), 0)),
        (Err(e), None) => Err(e),
    }
}

/// Steps 4–7: detection without a usable declaration.
fn detect(origin: &str, bytes: &[u8]) -> Result<Decoded, IngestError> {
    if bytes.is_ascii() {
        if looks_like_iso_2022_jp(bytes) {
            let text = decode_strict(ISO_2022_JP, bytes)
                .map_err(|e| e.into_error(origin, ISO_2022_JP.name(), 0))?;
            return finish(origin, text, ISO_2022_JP);
        }
        return finish(origin, ascii_to_string(bytes), UTF_8);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => return finish(origin, s.to_owned(), UTF_8),
        Err(e) => {
            let (good, bad) = utf8_sequence_counts(bytes);
            if e.error_len().is_none() && good >= 1 {
                return Err(IngestError::Truncated {
                    origin: origin.into(),
                    encoding: UTF_8.name().into(),
                    offset: e.valid_up_to(),
                });
            }
            if good >= 8 && good >= 8 * bad {
                return Err(IngestError::Decode {
                    origin: origin.into(),
                    encoding: UTF_8.name().into(),
                    offset: e.valid_up_to(),
                });
            }
        }
    }
    let enc = guess_legacy(bytes);
    let text = decode_strict(enc, bytes).map_err(|e| e.into_error(origin, enc.name(), 0))?;
    let enc = if enc == GBK && has_gb18030_four_byte(bytes) {
        GB18030
    } else {
        enc
    };
    finish(origin, text, enc)
}

/// chardetng's guess for non-UTF-8 bytes (no TLD hint, UTF-8 not allowed).
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut det = EncodingDetector::new();
    // `last` stays false, also for the whole input: a file cut in the middle of a character
    // should be reported as truncated in its real encoding, not steer the guess elsewhere.
    det.feed(&bytes[..bytes.len().min(SAMPLE)], false);
    let guess = det.guess(None, false);
    if guess == KOI8_U && !bytes.iter().any(|b| KOI8_U_ONLY.contains(b)) {
        // chardetng reports the KOI8 family as KOI8-U; without the bytes where KOI8-U
        // differs (Ukrainian and Belarusian letters) the text is KOI8-R.
        return KOI8_R;
    }
    guess
}

/// Bytes that KOI8-U decodes differently from KOI8-R.
const KOI8_U_ONLY: [u8; 10] = [0xA4, 0xA6, 0xA7, 0xAD, 0xAE, 0xB4, 0xB6, 0xB7, 0xBD, 0xBE];

/// A declared encoding that decoded cleanly: double-check the two common mislabellings.
fn second_opinion(origin: &str, bytes: &[u8], enc: &'static Encoding, text: String) -> Decoded {
    if enc == UTF_8 || bytes.is_ascii() {
        return Decoded {
            text,
            encoding: enc.name().into(),
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        tracing::warn!(
            origin,
            declared = enc.name(),
            detected = "UTF-8",
            "wrongly declared encoding: the bytes are valid UTF-8; using UTF-8"
        );
        return Decoded {
            text: s.to_owned(),
            encoding: UTF_8.name().into(),
        };
    }
    // Only text with many non-ASCII bytes (CJK in a legacy encoding has most of its bytes
    // above 0x7F; a Latin-1 page has few) is second-guessed.
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    if enc.is_single_byte() && non_ascii * 5 >= bytes.len() {
        let guess = guess_legacy(bytes);
        if !guess.is_single_byte()
            && guess != UTF_16LE
            && guess != UTF_16BE
            && let Ok(t) = decode_strict(guess, bytes)
        {
            tracing::warn!(
                origin,
                declared = enc.name(),
                detected = guess.name(),
                "wrongly declared encoding: the text reads as a multi-byte encoding; using the detected one"
            );
            let guess = if guess == GBK && has_gb18030_four_byte(bytes) {
                GB18030
            } else {
                guess
            };
            return Decoded {
                text: t,
                encoding: guess.name().into(),
            };
        }
    }
    let name = if enc == GBK && has_gb18030_four_byte(bytes) {
        GB18030.name()
    } else {
        enc.name()
    };
    Decoded {
        text,
        encoding: name.into(),
    }
}

fn finish(origin: &str, text: String, enc: &'static Encoding) -> Result<Decoded, IngestError> {
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            origin: origin.into(),
        });
    }
    Ok(Decoded {
        text,
        encoding: enc.name().into(),
    })
}

fn ascii_to_string(bytes: &[u8]) -> String {
    // Callers check `is_ascii()` first; the lossy conversion never replaces anything then.
    String::from_utf8_lossy(bytes).into_owned()
}

/// The encoding a declared label stands for, if it can be used to decode raw bytes.
/// UTF-16 labels without a BOM (and with no NUL pattern, which is handled before) are
/// ignored, as are the `replacement` and `x-user-defined` pseudo-encodings.
fn usable_declared(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    if enc == UTF_16LE
        || enc == UTF_16BE
        || enc == encoding_rs::REPLACEMENT
        || enc == encoding_rs::X_USER_DEFINED
    {
        return None;
    }
    Some(enc)
}

/// The encoding_rs name for an encoding label (`sjis` → `Shift_JIS`), if known.
pub fn encoding_name(label: &str) -> Option<&'static str> {
    Encoding::for_label(label.trim().as_bytes()).map(|e| e.name())
}

/// Checks an encoding given by the user (`--encoding`): its encoding_rs name, or an
/// [`IngestError::UnknownEncoding`] naming `origin`.
pub fn validate_encoding(origin: &str, label: &str) -> Result<&'static str, IngestError> {
    match usable_declared(label) {
        Some(enc) => Ok(enc.name()),
        None => match encoding_name(label) {
            // UTF-16 is usable when forced: the BOM check or the NUL pattern will find it.
            Some(name) if name == UTF_16LE.name() || name == UTF_16BE.name() => Ok(name),
            _ => Err(IngestError::UnknownEncoding {
                origin: origin.into(),
                label: label.into(),
            }),
        },
    }
}

/// Where strict decoding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrictError {
    /// A malformed sequence starting at this offset.
    Malformed(usize),
    /// The input ends inside a character that starts at this offset.
    Truncated(usize),
}

impl StrictError {
    fn into_error(self, origin: &str, encoding: &str, base: usize) -> IngestError {
        match self {
            StrictError::Malformed(o) => IngestError::Decode {
                origin: origin.into(),
                encoding: encoding.into(),
                offset: base + o,
            },
            StrictError::Truncated(o) => IngestError::Truncated {
                origin: origin.into(),
                encoding: encoding.into(),
                offset: base + o,
            },
        }
    }
}

/// Decodes without replacement characters; an error names the byte offset of the first bad
/// sequence, or where the truncated last character starts.
fn decode_strict(enc: &'static Encoding, bytes: &[u8]) -> Result<String, StrictError> {
    if enc == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) if e.error_len().is_none() => Err(StrictError::Truncated(e.valid_up_to())),
            Err(e) => Err(StrictError::Malformed(e.valid_up_to())),
        };
    }
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3).saturating_add(16));
    let mut out = String::with_capacity(cap);
    let mut pos = 0usize;
    // First pass with `last = false`: a character cut by the end of input stays pending.
    loop {
        let (res, read) =
            decoder.decode_to_string_without_replacement(&bytes[pos..], &mut out, false);
        pos += read;
        match res {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(64 + (bytes.len() - pos) * 3),
            DecoderResult::Malformed(bad, after) => {
                let start = pos.saturating_sub(after as usize + bad as usize);
                return Err(StrictError::Malformed(start));
            }
        }
    }
    // Flush: anything still pending is a truncated character.
    loop {
        let (res, _) = decoder.decode_to_string_without_replacement(&[], &mut out, true);
        match res {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(64),
            DecoderResult::Malformed(bad, _) => {
                return Err(StrictError::Truncated(
                    bytes.len().saturating_sub(bad as usize),
                ));
            }
        }
    }
}

/// Counts multi-byte UTF-8 characters and invalid runs.
fn utf8_sequence_counts(bytes: &[u8]) -> (usize, usize) {
    let mut good = 0;
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    (good, bad)
}

/// ISO-2022-JP escape sequences: `ESC $ @`, `ESC $ B`, `ESC $ ( D`, `ESC ( J`, `ESC ( I`.
fn looks_like_iso_2022_jp(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| {
        w[0] == 0x1B
            && matches!(
                (w[1], w[2]),
                (b'$', b'@') | (b'$', b'B') | (b'$', b'(') | (b'(', b'J') | (b'(', b'I')
            )
    })
}

/// Whether gb18030 bytes use four-byte sequences (outside GBK).
fn has_gb18030_four_byte(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(0x30..=0x39) => return true,
            Some(_) => i += 2,
            None => return false,
        }
    }
    false
}

fn memchr(needle: u8, bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == needle)
}

/// UTF-16 without BOM: NUL bytes (the high byte of ASCII characters) all on one side.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let units = (sample.len() / 2).max(1);
    if odd * 10 >= units && even * 50 <= odd {
        Some(UTF_16LE)
    } else if even * 10 >= units && odd * 50 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Share of C0 control bytes other than tab, newline, carriage return, form feed, vertical
/// tab and escape (used by ISO-2022-JP), plus DEL.
fn control_ratio(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let n = bytes
        .iter()
        .filter(|&&b| matches!(b, 0x00..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F))
        .count();
    n as f64 / bytes.len() as f64
}

/// Names a binary format recognised by its leading magic number.
pub fn magic_number(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
        (b"PK\x05\x06", "ZIP archive"),
        (b"\x1F\x8B", "gzip data"),
        (b"BZh", "bzip2 data"),
        (b"\xFD7zXZ\x00", "xz data"),
        (b"\x28\xB5\x2F\xFD", "zstd data"),
        (b"7z\xBC\xAF\x27\x1C", "7-Zip archive"),
        (b"Rar!\x1A\x07", "RAR archive"),
        (b"\x7FELF", "ELF executable"),
        (b"\xCF\xFA\xED\xFE", "Mach-O executable"),
        (b"\xFE\xED\xFA\xCF", "Mach-O executable"),
        (b"SQLite format 3\x00", "SQLite database"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "OLE2 document (old Word/Excel)",
        ),
        (b"PAR1", "Parquet file"),
        (b"\x00asm", "WebAssembly module"),
        (b"OggS", "Ogg media"),
        (b"fLaC", "FLAC audio"),
        (b"ID3", "MP3 audio"),
        (b"\x1A\x45\xDF\xA3", "Matroska/WebM media"),
        (b"wOFF", "WOFF font"),
        (b"wOF2", "WOFF2 font"),
        (b"%PDF-", "PDF document (read it as PDF)"),
    ];
    for (magic, name) in MAGIC {
        if bytes.starts_with(magic) {
            // `BZh` and `ID3` are also plausible starts of text: require a binary follow-up.
            let bzip2_ok = bytes.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
                && bytes.get(4..10) == Some(b"\x31\x41\x59\x26\x53\x59".as_slice());
            let id3_ok = bytes.get(3).is_some_and(|&b| b < 0x10);
            if (*magic == b"BZh" && !bzip2_ok) || (*magic == b"ID3" && !id3_ok) {
                continue;
            }
            return Some(name);
        }
    }
    if bytes.len() >= 12
        && &bytes[..4] == b"RIFF"
        && matches!(&bytes[8..12], b"WEBP" | b"WAVE" | b"AVI ")
    {
        return Some("RIFF media");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some("MP4/ISO media");
    }
    None
}

/// The `charset` parameter of a Content-Type header value.
pub fn content_type_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
            (!v.is_empty()).then(|| v.to_string())
        } else {
            None
        }
    })
}

/// The charset an HTML document declares in its first 1024 bytes (`<meta charset>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">`), read as ASCII.
pub fn html_meta_charset(bytes: &[u8]) -> Option<String> {
    static RE: OnceLock<Option<regex::bytes::Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            regex::bytes::Regex::new(r#"(?i-u)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
                .ok()
        })
        .as_ref()?;
    let head = &bytes[..bytes.len().min(1024)];
    let caps = re.captures(head)?;
    let label = std::str::from_utf8(caps.get(1)?.as_bytes()).ok()?;
    Some(label.to_string())
}

/// The encoding named by an XML declaration (`<?xml version="1.0" encoding="Shift_JIS"?>`).
pub fn xml_declared_encoding(bytes: &[u8]) -> Option<String> {
    static RE: OnceLock<Option<regex::bytes::Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| {
            regex::bytes::Regex::new(r#"(?-u)\A(?:\xEF\xBB\xBF)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']"#).ok()
        })
        .as_ref()?;
    let head = &bytes[..bytes.len().min(1024)];
    let caps = re.captures(head)?;
    let label = std::str::from_utf8(caps.get(1)?.as_bytes()).ok()?;
    Some(label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc_of(bytes: &[u8]) -> String {
        match decode("t", bytes, None) {
            Ok(d) => d.encoding,
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(matches!(
            decode("t", b"", None),
            Err(IngestError::Empty { .. })
        ));
        assert!(matches!(
            decode("t", b" \n\t\r\n", None),
            Err(IngestError::Empty { .. })
        ));
        assert!(matches!(
            decode("t", b"\xEF\xBB\xBF  \n", None),
            Err(IngestError::Empty { .. })
        ));
    }

    #[test]
    fn ascii_is_utf8() {
        let d = decode("t", b"Hello, world.", None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "Hello, world.");
    }

    #[test]
    fn bomless_utf16() {
        let s = "The delegation arrived in Beijing on Tuesday.\nIt was met at the airport.";
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode("t", &le, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (s, "UTF-16LE"));
        let d = decode("t", &be, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (s, "UTF-16BE"));
        let ru = "Делегация прибыла в Пекин во вторник, и её встретили в аэропорту.";
        let le: Vec<u8> = ru.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode("t", &le, None).unwrap().text, ru);
    }

    #[test]
    fn nul_bytes_are_binary() {
        let e = decode("x.bin", b"abc\x00\x00\x00\x01def\x00ghi", None).unwrap_err();
        assert!(matches!(e, IngestError::Binary { .. }), "{e}");
        assert!(e.to_string().contains("NUL byte at offset 3"), "{e}");
    }

    #[test]
    fn control_bytes_are_binary() {
        let mut v = b"some text ".to_vec();
        v.extend(std::iter::repeat_n(0x01u8, 5));
        v.extend(b"more");
        assert!(matches!(
            decode("t", &v, None),
            Err(IngestError::Binary { .. })
        ));
    }

    #[test]
    fn magic_numbers() {
        assert!(enc_of(b"\x7FELF\x02\x01\x01").contains("ELF"));
        assert!(enc_of(b"\x1F\x8B\x08\x00abcdef").contains("gzip"));
        assert!(enc_of(b"PK\x03\x04abcdef").contains("ZIP"));
        // Plain text that happens to start like a magic number.
        assert_eq!(enc_of(b"BZh is not bzip"), "UTF-8");
        assert_eq!(enc_of(b"ID3 tags are metadata"), "UTF-8");
    }

    #[test]
    fn declared_used_when_clean() {
        // Bytes valid in both KOI8-R and windows-1251: the declaration decides.
        let bytes = encoding_rs::KOI8_R.encode("Привет, мир").0;
        let d = decode("t", &bytes, Some("koi8-r")).unwrap();
        assert_eq!(d.encoding, "KOI8-R");
        assert_eq!(d.text, "Привет, мир");
    }

    #[test]
    fn declared_latin1_on_utf8_is_overridden() {
        let d = decode("t", "Пхеньян — Москва".as_bytes(), Some("iso-8859-1")).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "Пхеньян — Москва");
    }

    #[test]
    fn declared_latin1_on_latin1_is_kept() {
        let text =
            "Le président et le ministre des Affaires étrangères se sont rencontrés à Pékin.";
        let bytes = encoding_rs::WINDOWS_1252.encode(text).0;
        let d = decode("t", &bytes, Some("iso-8859-1")).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str()),
            (text, "windows-1252")
        );
    }

    #[test]
    fn declared_that_fails_gives_way() {
        let sjis = encoding_rs::SHIFT_JIS
            .encode("首脳会談は予定通りに行われた。両国の外相も同席した。")
            .0;
        let d = decode("t", &sjis, Some("utf-8")).unwrap();
        assert_eq!(d.encoding, "Shift_JIS");
    }

    #[test]
    fn unknown_declared_is_ignored() {
        let d = decode("t", "日本語のテキスト".as_bytes(), Some("no-such-charset")).unwrap();
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn truncated_utf8() {
        let s = "会談は終わった";
        let b = &s.as_bytes()[..s.len() - 1];
        let e = decode("t", b, None).unwrap_err();
        match e {
            IngestError::Truncated {
                encoding, offset, ..
            } => {
                assert_eq!(encoding, "UTF-8");
                assert_eq!(offset, s.len() - 3);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn broken_utf8_names_offset() {
        let mut v = "朝鮮民主主義人民共和国と中華人民共和国".as_bytes().to_vec();
        v.insert(9, 0xFF);
        let e = decode("a.txt", &v, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.txt: cannot decode as UTF-8: invalid byte sequence at byte offset 9"
        );
    }

    #[test]
    fn strict_reports_offsets() {
        let mut v = encoding_rs::SHIFT_JIS.encode("日本語").0.into_owned();
        let n = v.len();
        v.push(0x81);
        assert_eq!(
            decode_strict(encoding_rs::SHIFT_JIS, &v),
            Err(StrictError::Truncated(n))
        );
        let mut v = encoding_rs::EUC_JP.encode("日本語").0.into_owned();
        v.insert(2, 0xA1);
        v.insert(3, 0x20);
        assert_eq!(
            decode_strict(encoding_rs::EUC_JP, &v),
            Err(StrictError::Malformed(2))
        );
    }

    #[test]
    fn charset_helpers() {
        assert_eq!(
            content_type_charset("text/html; charset=\"Shift_JIS\"").as_deref(),
            Some("Shift_JIS")
        );
        assert_eq!(content_type_charset("text/html"), None);
        assert_eq!(
            html_meta_charset(b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\">").as_deref(),
            Some("euc-kr")
        );
        assert_eq!(
            html_meta_charset(b"<meta charset='gb2312'>").as_deref(),
            Some("gb2312")
        );
        assert_eq!(
            xml_declared_encoding(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><rss>").as_deref(),
            Some("EUC-JP")
        );
        assert_eq!(xml_declared_encoding(b"<rss>"), None);
    }

    #[test]
    fn validate_encoding_names() {
        assert_eq!(validate_encoding("-", "sjis").unwrap(), "Shift_JIS");
        assert_eq!(validate_encoding("-", "gb2312").unwrap(), "GBK");
        assert!(matches!(
            validate_encoding("-", "klingon"),
            Err(IngestError::UnknownEncoding { .. })
        ));
    }
}
