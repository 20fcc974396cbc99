//! MinHash signatures and LSH bands for near-duplicate detection.
//!
//! A signature is [`NUM_HASHES`] minima of 64-bit hashes of character shingles, each
//! permuted by a different odd multiplier. Two signatures agree on a position with
//! probability equal to the Jaccard similarity of the shingle sets. Signatures are cut
//! into [`BANDS`] bands of [`ROWS`] rows; documents sharing any band key are candidates
//! (the S-curve of 16×4 passes pairs above ≈ 0.5 similarity), then checked with
//! [`similarity`] against [`NEAR_DUPLICATE_THRESHOLD`].

/// Number of hash functions in a signature.
pub const NUM_HASHES: usize = 64;
/// Number of LSH bands.
pub const BANDS: usize = 16;
/// Rows (hashes) per band.
pub const ROWS: usize = NUM_HASHES / BANDS;
/// Shingle length in characters.
pub const SHINGLE: usize = 5;
/// Estimated Jaccard similarity at or above which a document is a near-duplicate.
pub const NEAR_DUPLICATE_THRESHOLD: f32 = 0.7;
/// Documents with fewer shingles than this get no signature (too short to judge).
pub const MIN_SHINGLES: usize = 20;

/// splitmix64 finalisation: a strong 64-bit mixer.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The MinHash signature of `folded` (text already variant-folded and lower-cased by the
/// caller). White space is ignored, so re-wrapped copies of a story still match. Returns an
/// empty vector for texts too short to judge.
///
/// One-permutation hashing: each shingle is hashed once; the hash picks one of
/// [`NUM_HASHES`] bins and its remaining bits compete for that bin's minimum. Empty bins
/// borrow from the next non-empty bin (rotation densification, Shrivastava & Li 2014), so
/// two signatures agree on a bin with probability equal to the Jaccard similarity, at a
/// 64th of the cost of 64 separate permutations.
pub fn signature(folded: &str) -> Vec<u32> {
    let chars: Vec<char> = folded.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < SHINGLE + MIN_SHINGLES {
        return Vec::new();
    }
    let mut mins = [u64::MAX; NUM_HASHES];
    for w in chars.windows(SHINGLE) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &c in w {
            h = mix(h ^ c as u64);
        }
        let bin = (h >> 58) as usize; // top 6 bits: 64 bins
        let v = h & ((1 << 58) - 1);
        if v < mins[bin] {
            mins[bin] = v;
        }
    }
    let mut out = vec![0u32; NUM_HASHES];
    for (i, slot) in out.iter_mut().enumerate() {
        // Rotation densification: take the next non-empty bin to the right, offset by the
        // distance so borrowed values differ from the lender's own.
        let mut j = i;
        let mut dist = 0u64;
        while mins[j] == u64::MAX {
            j = (j + 1) % NUM_HASHES;
            dist += 1;
        }
        *slot = (mix(mins[j] ^ dist.wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 32) as u32;
    }
    out
}

/// Estimated Jaccard similarity of two signatures (0 when either is empty).
pub fn similarity(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f32 / a.len() as f32
}

/// The LSH band keys of a signature, one per band; the band index is mixed in so that
/// equal rows in different bands do not collide.
pub fn band_keys(sig: &[u32]) -> Vec<i64> {
    if sig.len() != NUM_HASHES {
        return Vec::new();
    }
    sig.chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = mix(band as u64 + 1);
            for &r in rows {
                h = mix(h ^ r as u64);
            }
            h as i64
        })
        .collect()
}

/// Encodes a signature as little-endian bytes for storage.
pub fn to_bytes(sig: &[u32]) -> Vec<u8> {
    sig.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Decodes a stored signature; trailing bytes that do not make a whole value are ignored.
pub fn from_bytes(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Kim Jong Un and Vladimir Putin held talks at the Vostochny Cosmodrome \
        in the Amur region on Wednesday, discussing cooperation in many fields, after touring \
        the launch facilities together and attending a reception given in honour of the guest.";

    #[test]
    fn identical_texts_are_similar() {
        let a = signature(STORY);
        assert_eq!(a.len(), NUM_HASHES);
        assert_eq!(similarity(&a, &signature(STORY)), 1.0);
    }

    #[test]
    fn small_edit_is_near_duplicate_and_shares_a_band() {
        let edited = STORY.replace("on Wednesday", "on 13 September") + " (KCNA)";
        let (a, b) = (signature(STORY), signature(&edited));
        assert!(
            similarity(&a, &b) >= NEAR_DUPLICATE_THRESHOLD,
            "{}",
            similarity(&a, &b)
        );
        let ka = band_keys(&a);
        assert!(band_keys(&b).iter().any(|k| ka.contains(k)));
    }

    #[test]
    fn different_texts_are_not() {
        let other = "China's customs data show exports of refined petroleum to the DPRK \
            remained far below the cap set by the Security Council in resolution 2397 during 2024.";
        assert!(similarity(&signature(STORY), &signature(other)) < 0.2);
    }

    #[test]
    fn short_texts_get_no_signature() {
        assert!(signature("short note").is_empty());
        assert_eq!(similarity(&[], &[]), 0.0);
    }

    fn exact_jaccard(a: &str, b: &str) -> f32 {
        let sh = |t: &str| -> std::collections::HashSet<Vec<char>> {
            let c: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
            c.windows(SHINGLE).map(|w| w.to_vec()).collect()
        };
        let (x, y) = (sh(a), sh(b));
        x.intersection(&y).count() as f32 / x.union(&y).count() as f32
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        // Documents sharing a growing share of their sentences.
        let sentences: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    "Sentence number {i} reports talks on item {} of the agenda. ",
                    i * 7919 % 1009
                )
            })
            .collect();
        for keep in [10usize, 20, 30, 36] {
            let a: String = sentences[..keep].concat()
                + &sentences[keep..]
                    .iter()
                    .map(|s| s.replace("talks", "visits"))
                    .collect::<String>();
            let b: String = sentences.concat();
            let (est, exact) = (
                similarity(&signature(&a), &signature(&b)),
                exact_jaccard(&a, &b),
            );
            assert!(
                (est - exact).abs() < 0.15,
                "keep {keep}: estimate {est} vs exact {exact}"
            );
        }
    }

    #[test]
    fn bytes_round_trip() {
        let s = signature(STORY);
        assert_eq!(from_bytes(&to_bytes(&s)), s);
    }
}
