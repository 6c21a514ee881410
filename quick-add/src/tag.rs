//! `#project` and `@label`, found on the raw characters before tokenizing because a name
//! may hold anything but whitespace ("#home-improvement", "@waiting_for") and, when it is
//! an existing one, even spaces.

use crate::draft::{LabelMatch, ProjectMatch};
use crate::token::is_closer;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TagKind {
    Project(ProjectMatch),
    Label(LabelMatch),
}

/// A tag and the characters it covers (the sigil included, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: TagKind,
}

/// Finds the tags in `chars`. A sigil counts only at the start of the text or after
/// whitespace, so "a@b.com" and "issue#5" stay text; only the first project is taken (a
/// task has one), later `#words` stay in the title.
pub(crate) fn scan(chars: &[char], projects: &[&str], labels: &[&str]) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut project_taken = false;
    let mut i = 0;
    while let Some(&sigil) = chars.get(i) {
        let at_word_start = i == 0 || chars.get(i - 1).is_some_and(|c| c.is_whitespace());
        let rest = chars.get(i + 1..).unwrap_or_default();
        let found = match sigil {
            '#' if at_word_start && !project_taken => {
                name(rest, projects, true).map(|(len, name)| {
                    project_taken = true;
                    let project = match name {
                        Name::Existing(n) => ProjectMatch::Existing(n),
                        Name::Typed(n) => ProjectMatch::Unknown(n),
                    };
                    (len, TagKind::Project(project))
                })
            }
            '@' if at_word_start => name(rest, labels, false).map(|(len, name)| {
                let label = match name {
                    Name::Existing(name) => LabelMatch {
                        name,
                        existing: true,
                    },
                    Name::Typed(name) => LabelMatch {
                        name,
                        existing: false,
                    },
                };
                (len, TagKind::Label(label))
            }),
            _ => None,
        };
        match found {
            Some((len, kind)) => {
                let end = i + 1 + len;
                tags.push(Tag {
                    start: i,
                    end,
                    kind,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    tags
}

enum Name {
    Existing(String),
    Typed(String),
}

/// The name right after a sigil and its length in characters. An existing name wins,
/// the longest first, so that "@waiting for bob" finds the label "waiting for"; otherwise
/// the name is the run up to whitespace, less the punctuation that ends a sentence
/// ("buy milk #groceries." names "groceries").
fn name(rest: &[char], known: &[&str], is_project: bool) -> Option<(usize, Name)> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        if let Some(len) = matches_at(rest, candidate)
            && best.is_none_or(|(longest, _)| len > longest)
        {
            best = Some((len, candidate));
        }
    }
    if let Some((len, stored)) = best {
        return Some((len, Name::Existing(stored.to_owned())));
    }
    let run = rest.iter().take_while(|c| !c.is_whitespace()).count();
    let len = run
        - rest[..run]
            .iter()
            .rev()
            .take_while(|c| is_closer(**c))
            .count();
    let typed: String = rest[..len].iter().collect();
    // "fix issue #5" refers to an issue, not to a project called "5".
    if typed.is_empty() || (is_project && typed.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    Some((len, Name::Typed(typed)))
}

/// The length of `name` when `rest` starts with it (ignoring case) and the name ends at a
/// word boundary: whitespace, the end, or closing punctuation.
fn matches_at(rest: &[char], name: &str) -> Option<usize> {
    let mut len = 0;
    for expected in name.chars() {
        let actual = *rest.get(len)?;
        if !same_letter(actual, expected) {
            return None;
        }
        len += 1;
    }
    let bounded = rest
        .get(len)
        .is_none_or(|c| c.is_whitespace() || is_closer(*c));
    (len > 0 && bounded).then_some(len)
}

/// Compared letter by letter rather than on lower-cased strings, whose lengths may differ
/// from the original's and would throw the character offsets off.
pub(crate) fn same_letter(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<(usize, usize, TagKind)> {
        let chars: Vec<char> = text.chars().collect();
        scan(
            &chars,
            &["Work", "Home Improvement"],
            &["waiting", "Waiting For"],
        )
        .into_iter()
        .map(|t| (t.start, t.end, t.kind))
        .collect()
    }

    fn label(name: &str, existing: bool) -> TagKind {
        TagKind::Label(LabelMatch {
            name: name.into(),
            existing,
        })
    }

    #[test]
    fn existing_names_longest_first() {
        assert_eq!(
            tags("@waiting for bob"),
            vec![(0, 12, label("Waiting For", true))]
        );
        assert_eq!(tags("@waiting bob"), vec![(0, 8, label("waiting", true))]);
        assert_eq!(
            tags("x #home improvement"),
            vec![(
                2,
                19,
                TagKind::Project(ProjectMatch::Existing("Home Improvement".into()))
            )]
        );
    }

    #[test]
    fn typed_names() {
        assert_eq!(
            tags("#homework."),
            vec![(
                0,
                9,
                TagKind::Project(ProjectMatch::Unknown("homework".into()))
            )]
        );
        assert_eq!(tags("@a-b"), vec![(0, 4, label("a-b", false))]);
    }

    #[test]
    fn not_tags() {
        assert!(tags("a@b.com issue#5 # @ @! #5").is_empty());
    }

    #[test]
    fn one_project_only() {
        assert_eq!(tags("#work #home").len(), 1);
    }
}
