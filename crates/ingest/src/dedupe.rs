//! Identity and near-duplicate signatures of a normalised text.

use entente_core::{SourceId, minhash};

/// The id (hash of the normalised text) and MinHash signature (over the variant-folded,
/// lower-cased text, so a traditional-script or re-cased copy still counts as near).
pub fn fingerprint(normalized: &str) -> (SourceId, Vec<u32>) {
    let folded = entente_text::fold(&normalized.to_lowercase());
    (SourceId::of_text(normalized), minhash::signature(&folded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_copies_are_near_but_distinct() {
        let a = "習近平主席與普京總統在莫斯科克里姆林宮舉行會談，雙方就雙邊關係和共同關心的國際問題深入交換了意見，並簽署了聯合聲明。";
        let b = "习近平主席与普京总统在莫斯科克里姆林宫举行会谈，双方就双边关系和共同关心的国际问题深入交换了意见，并签署了联合声明。";
        let (ia, sa) = fingerprint(a);
        let (ib, sb) = fingerprint(b);
        assert_ne!(ia, ib);
        assert!(minhash::similarity(&sa, &sb) >= minhash::NEAR_DUPLICATE_THRESHOLD);
    }
}
