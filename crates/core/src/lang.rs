use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// A document or paragraph language.
///
/// The six languages entente analyses have their own variants; anything else a
/// detector reports (KCNA's Spanish service slips into English dumps) is kept as
/// `Other` with its ISO 639-1 code so it can still be filtered.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Ru,
    Ja,
    Ko,
    ZhHans,
    ZhHant,
    Other(String),
    Und,
}

impl Lang {
    pub fn tag(&self) -> &str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::Other(code) => code,
            Lang::Und => "und",
        }
    }

    /// Whether the script is written without spaces between words (CJK).
    pub fn is_cjk(&self) -> bool {
        matches!(self, Lang::Ja | Lang::ZhHans | Lang::ZhHant)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.tag())
    }
}

impl FromStr for Lang {
    type Err = CoreError;
    /// Accepts BCP 47 tags and common spellings: `en`, `en-US`, `ru`, `ja`, `jp`, `ko`, `kr`,
    /// `zh` (simplified), `zh-CN`, `zh-Hans`, `zh-TW`, `zh-HK`, `zh-Hant`, `und`, `kor`, `jpn`...
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().replace('_', "-").to_ascii_lowercase();
        let l = match t.as_str() {
            "en" | "eng" | "english" => Lang::En,
            "ru" | "rus" | "russian" => Lang::Ru,
            "ja" | "jp" | "jpn" | "japanese" => Lang::Ja,
            "ko" | "kr" | "kor" | "korean" => Lang::Ko,
            "zh" | "zho" | "chi" | "chinese" | "zh-hans" | "zh-cn" | "zh-sg" | "zh-hans-cn" => {
                Lang::ZhHans
            }
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => Lang::ZhHant,
            "" | "und" | "unknown" => Lang::Und,
            other => {
                let primary = other.split('-').next().unwrap_or(other);
                if primary.starts_with("en") && primary.len() == 2 {
                    Lang::En
                } else if (2..=3).contains(&primary.len())
                    && primary.bytes().all(|b| b.is_ascii_lowercase())
                {
                    match primary {
                        "ru" => Lang::Ru,
                        "ja" => Lang::Ja,
                        "ko" => Lang::Ko,
                        "zh" => Lang::ZhHans,
                        "en" => Lang::En,
                        p => Lang::Other(p.to_string()),
                    }
                } else {
                    return Err(CoreError::InvalidLang(s.to_string()));
                }
            }
        };
        Ok(l)
    }
}

crate::serde_as_string!(
    Lang,
    "A language as a BCP 47 tag: en, ja, ko, ru, zh-Hans, zh-Hant…"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_tags() {
        assert_eq!("zh-TW".parse::<Lang>().unwrap(), Lang::ZhHant);
        assert_eq!("zh".parse::<Lang>().unwrap(), Lang::ZhHans);
        assert_eq!("en-GB".parse::<Lang>().unwrap(), Lang::En);
        assert_eq!("es".parse::<Lang>().unwrap(), Lang::Other("es".into()));
        assert_eq!(Lang::ZhHant.to_string(), "zh-Hant");
        assert!("english!!".parse::<Lang>().is_err());
    }

    #[test]
    fn tag_round_trips() {
        for l in [
            Lang::En,
            Lang::Ru,
            Lang::Ja,
            Lang::Ko,
            Lang::ZhHans,
            Lang::ZhHant,
            Lang::Und,
        ] {
            assert_eq!(l.tag().parse::<Lang>().unwrap(), l);
        }
    }
}
