//! robots.txt as RFC 9309 reads it: groups of `user-agent` lines and their `allow` /
//! `disallow` rules; the groups naming our product token (`entente`, case-insensitive) if
//! any, else the `*` groups; the longest matching rule wins, `allow` on a tie; `*` matches any
//! run of characters and a final `$` anchors the end. `crawl-delay` (not in the RFC, but
//! widely used) is read from the same groups. Unknown lines are ignored; parsing never fails.

use std::time::Duration;

/// Our product token, matched against `user-agent` lines.
pub const PRODUCT_TOKEN: &str = "entente";

/// Largest robots.txt read (RFC 9309 asks crawlers to parse at least 500 KiB).
pub const MAX_BYTES: u64 = 512 * 1024;

/// The rules for one crawler, or a verdict without rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Robots {
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
    /// Everything is disallowed, for this reason (the file could not be read).
    unreadable: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    allow: bool,
    pattern: String,
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

impl Robots {
    /// No robots.txt (404 and other client errors): everything is allowed.
    pub fn allow_all() -> Robots {
        Robots {
            rules: Vec::new(),
            crawl_delay: None,
            unreadable: None,
        }
    }

    /// robots.txt unreachable (a server error, no connection: `why`): RFC 9309 says to
    /// assume a complete disallow.
    pub fn unreadable(why: impl Into<String>) -> Robots {
        Robots {
            rules: Vec::new(),
            crawl_delay: None,
            unreadable: Some(why.into()),
        }
    }

    /// Why robots.txt could not be read, when it could not (then nothing is allowed).
    pub fn unreadable_because(&self) -> Option<&str> {
        self.unreadable.as_deref()
    }

    /// The rules of `text` that apply to `agent` (a product token such as [`PRODUCT_TOKEN`]).
    pub fn parse(text: &str, agent: &str) -> Robots {
        let mut groups: Vec<Group> = Vec::new();
        // A user-agent line after rules starts a new group; consecutive ones share a group.
        let mut in_rules = true;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if in_rules || groups.is_empty() {
                        groups.push(Group::default());
                        in_rules = false;
                    }
                    if let Some(g) = groups.last_mut() {
                        // The product token is the value up to the first space or slash.
                        let token = value
                            .split(|c: char| c.is_whitespace() || c == '/')
                            .next()
                            .unwrap_or("");
                        g.agents.push(token.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_rules = true;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.rules.push(Rule {
                            allow: key == "allow",
                            pattern: value.to_string(),
                        });
                    }
                }
                "crawl-delay" => {
                    in_rules = true;
                    if let Some(g) = groups.last_mut()
                        && let Ok(s) = value.parse::<f64>()
                        && s.is_finite()
                        && s >= 0.0
                    {
                        g.crawl_delay = Some(Duration::from_secs_f64(s.min(86_400.0)));
                    }
                }
                _ => {}
            }
        }
        let agent = agent.to_ascii_lowercase();
        let named: Vec<&Group> = groups
            .iter()
            .filter(|g| g.agents.contains(&agent))
            .collect();
        let chosen = if named.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            named
        };
        Robots {
            rules: chosen.iter().flat_map(|g| g.rules.clone()).collect(),
            crawl_delay: chosen.iter().filter_map(|g| g.crawl_delay).max(),
            unreadable: None,
        }
    }

    /// Whether `path` (the URL's path and query, e.g. `/news/1?lang=en`) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        if path == "/robots.txt" {
            return true;
        }
        if self.unreadable.is_some() {
            return false;
        }
        let mut best: Option<(usize, bool)> = None;
        for r in &self.rules {
            if matches(&r.pattern, path) {
                let len = r.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, r.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// The delay between requests the site asks of us, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }
}

/// Whether `pattern` (with `*` wildcards and an optional final `$`) matches a prefix of
/// `path` (the whole of it with `$`). Linear in |pattern| × |path| at worst.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let p = pattern.as_bytes();
    let s = path.as_bytes();
    // Classic wildcard matching with one backtrack point (the last `*`).
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if i == p.len() {
            if !anchored || j == s.len() {
                return true;
            }
        } else if p[i] == b'*' {
            star = Some((i, j));
            i += 1;
            continue;
        } else if j < s.len() && p[i] == s[j] {
            i += 1;
            j += 1;
            continue;
        }
        // Mismatch (or anchored end not reached): let the last `*` eat one more character.
        match star {
            Some((si, sj)) if sj < s.len() => {
                star = Some((si, sj + 1));
                i = si + 1;
                j = sj + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SITE: &str = "\
# a comment
User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Crawl-delay: 2

User-agent: OtherBot
User-agent: entente/0.1
Disallow: /news/drafts
Allow: /news/drafts/public
";

    #[test]
    fn a_group_naming_us_replaces_the_star_group() {
        let r = Robots::parse(SITE, PRODUCT_TOKEN);
        assert!(!r.allows("/news/drafts/1"));
        assert!(r.allows("/news/drafts/public/2"), "longer allow wins");
        assert!(r.allows("/private/x"), "the * group does not apply to us");
        assert_eq!(r.crawl_delay(), None);
    }

    #[test]
    fn the_star_group_applies_to_others() {
        let r = Robots::parse(SITE, "somebot");
        assert!(!r.allows("/private/x"));
        assert!(r.allows("/private/open/y"));
        assert!(!r.allows("/files/a.pdf"));
        assert!(r.allows("/files/a.pdf?x=1"), "$ anchors the end");
        assert!(r.allows("/robots.txt"));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn ties_go_to_allow_and_empty_disallow_is_no_rule() {
        let r = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "x");
        assert!(r.allows("/a/b"));
        let r = Robots::parse("User-agent: *\nDisallow:\n", "x");
        assert!(r.allows("/anything"));
        assert!(!Robots::unreadable("HTTP 503").allows("/a"));
        assert!(Robots::unreadable("HTTP 503").allows("/robots.txt"));
    }

    #[test]
    fn wildcards_match_runs() {
        assert!(matches("/*/news/*.html$", "/en/news/2024/1.html"));
        assert!(!matches("/*/news/*.html$", "/en/news/2024/1.html?x"));
        assert!(matches("/a*", "/a"));
        assert!(matches("*", ""));
        assert!(!matches("/b", "/a/b"));
    }

    /// A reference matcher: the pattern as a regular expression.
    fn reference(pattern: &str, path: &str) -> bool {
        let (body, anchored) = match pattern.strip_suffix('$') {
            Some(p) => (p, true),
            None => (pattern, false),
        };
        let re = body
            .split('*')
            .map(regex::escape)
            .collect::<Vec<_>>()
            .join(".*");
        let re = format!("^(?s:{re}){}", if anchored { "$" } else { "" });
        regex::Regex::new(&re)
            .map(|r| r.is_match(path))
            .unwrap_or(false)
    }

    proptest! {
        #[test]
        fn matching_agrees_with_a_regular_expression(
            pattern in "[/ab*]{0,8}\\$?",
            path in "[/ab]{0,10}",
        ) {
            prop_assert_eq!(matches(&pattern, &path), reference(&pattern, &path));
        }

        #[test]
        fn any_text_parses_and_answers(text in "\\PC{0,400}", path in "/\\PC{0,40}") {
            let r = Robots::parse(&text, PRODUCT_TOKEN);
            // Whatever the file says, robots.txt itself stays fetchable, and a path is
            // answered the same way twice.
            prop_assert!(r.allows("/robots.txt"));
            prop_assert_eq!(r.allows(&path), r.allows(&path));
        }
    }
}
