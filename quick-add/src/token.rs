//! Splits the text into words and single punctuation marks, keeping each one's character
//! offsets so that recognised phrases can be reported (and cut from the title) exactly.
//!
//! A word is a maximal run of alphanumeric characters, so "9am", "20th" and "p1" are one
//! word each and "9:30" is three tokens. Whitespace is not a token; instead each token
//! records whether whitespace precedes it, which is what phrase boundaries and "9:30"
//! (no spaces inside) are decided on. Projects and labels are found before tokenizing and
//! become opaque [`Kind::Tag`] tokens that no phrase can read or cross.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Punct(char),
    Tag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    /// The lower-cased word; empty for punctuation and tags.
    pub(crate) lower: String,
    /// Character offsets into the text, end exclusive.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Whitespace, or the start of the text, comes right before the token.
    pub(crate) spaced: bool,
}

/// Punctuation that may follow a phrase without joining it to the next word:
/// "tomorrow." and "at 9, call" end their phrase, "at 9:75" and "9am-5pm" do not.
const CLOSERS: &[char] = &[
    ',', '.', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '\u{201D}', '\u{2019}',
];
/// Punctuation that may open a phrase: "(tomorrow)".
const OPENERS: &[char] = &['(', '[', '{', '"', '\'', '\u{201C}', '\u{2018}'];

pub(crate) fn is_closer(c: char) -> bool {
    CLOSERS.contains(&c)
}

/// Tokenizes `chars`, turning each range of `tags` (sorted, disjoint) into one tag token.
pub(crate) fn tokenize(chars: &[char], tags: &[Range<usize>]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut tags = tags.iter().peekable();
    let mut spaced = true;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if let Some(tag) = tags.next_if(|tag| tag.start == i) {
            tokens.push(Token {
                kind: Kind::Tag,
                lower: String::new(),
                start: tag.start,
                end: tag.end,
                spaced,
            });
            spaced = false;
            // A tag is never empty; `max` only guards the loop against a bad range.
            i = tag.end.max(i + 1);
            continue;
        }
        if c.is_whitespace() {
            spaced = true;
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_alphanumeric() {
            while chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                i += 1;
            }
            Kind::Word
        } else {
            i += 1;
            Kind::Punct(c)
        };
        let lower = match kind {
            Kind::Word => chars[start..i].iter().collect::<String>().to_lowercase(),
            _ => String::new(),
        };
        tokens.push(Token {
            kind,
            lower,
            start,
            end: i,
            spaced,
        });
        spaced = false;
    }
    tokens
}

/// Read access for the grammar: every accessor answers `None`/`false` past the end, so
/// grammar code can look ahead freely without bounds checks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tokens<'t>(pub(crate) &'t [Token]);

impl Tokens<'_> {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The lower-cased word at `i`. Two words in a row are always separated by
    /// whitespace (anything else would be a token between them), so grammar that steps
    /// from word to word never reads across "next-monday" or a tag.
    pub(crate) fn word(&self, i: usize) -> Option<&str> {
        self.0
            .get(i)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.lower.as_str())
    }

    /// The word at `i` when nothing separates it from the token before ("30" in "9:30").
    pub(crate) fn joined_word(&self, i: usize) -> Option<&str> {
        self.word(i)
            .filter(|_| self.0.get(i).is_some_and(|t| !t.spaced))
    }

    pub(crate) fn is_punct(&self, i: usize, c: char) -> bool {
        self.0.get(i).is_some_and(|t| t.kind == Kind::Punct(c))
    }

    /// Punctuation `c` at `i` touching the token before it (":" in "9:30").
    pub(crate) fn is_joined_punct(&self, i: usize, c: char) -> bool {
        self.is_punct(i, c) && self.0.get(i).is_some_and(|t| !t.spaced)
    }

    /// Whether a phrase may begin at `i`: a word at the start of the text, after
    /// whitespace, or after opening brackets or quotes that are. Keeps "issue5" and
    /// "x-today" whole.
    pub(crate) fn starts_phrase(&self, i: usize) -> bool {
        if self.word(i).is_none() {
            return false;
        }
        let mut j = i;
        loop {
            if self.0[j].spaced {
                return true;
            }
            match j.checked_sub(1).map(|p| self.0[p].kind) {
                Some(Kind::Punct(c)) if OPENERS.contains(&c) => j -= 1,
                _ => return false,
            }
        }
    }

    /// Whether a phrase whose last token is `end - 1` may end there: at the end of the
    /// text, before whitespace, or before closing punctuation that is itself followed by
    /// whitespace or the end.
    pub(crate) fn ends_phrase(&self, end: usize) -> bool {
        let mut j = end;
        loop {
            match self.0.get(j) {
                None => return true,
                Some(t) if t.spaced => return true,
                Some(t) => match t.kind {
                    Kind::Punct(c) if is_closer(c) => j += 1,
                    _ => return false,
                },
            }
        }
    }

    /// The character range covered by tokens `from..to` (`to` exclusive, non-empty).
    pub(crate) fn chars(&self, from: usize, to: usize) -> Range<usize> {
        let start = self.0.get(from).map_or(0, |t| t.start);
        let end = to
            .checked_sub(1)
            .and_then(|last| self.0.get(last))
            .map_or(start, |t| t.end);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String, bool)> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(&chars, &[])
            .into_iter()
            .map(|t| (t.kind, t.lower, t.spaced))
            .collect()
    }

    #[test]
    fn words_punctuation_and_spacing() {
        assert_eq!(
            kinds("At 9:30pm!"),
            vec![
                (Kind::Word, "at".into(), true),
                (Kind::Word, "9".into(), true),
                (Kind::Punct(':'), String::new(), false),
                (Kind::Word, "30pm".into(), false),
                (Kind::Punct('!'), String::new(), false),
            ]
        );
    }

    #[test]
    fn offsets_are_in_characters() {
        let chars: Vec<char> = "é😀 tomorrow".chars().collect();
        let tokens = tokenize(&chars, &[]);
        let last = tokens.last().expect("a word");
        assert_eq!((last.start, last.end), (3, 11));
    }

    #[test]
    fn tags_are_opaque() {
        let chars: Vec<char> = "x #today y".chars().collect();
        let tag = 2..8;
        let tokens = tokenize(&chars, std::slice::from_ref(&tag));
        assert_eq!(tokens[1].kind, Kind::Tag);
        assert_eq!((tokens[1].start, tokens[1].end), (2, 8));
        assert_eq!(tokens.len(), 3);
    }

    #[test]
    fn boundaries() {
        let chars: Vec<char> = "(today), x-today at 9:75".chars().collect();
        let tokens = tokenize(&chars, &[]);
        let t = Tokens(&tokens);
        // "(" "today" ")" "," "x" "-" "today" "at" "9" ":" "75"
        assert!(t.starts_phrase(1));
        assert!(t.ends_phrase(2));
        assert!(!t.starts_phrase(6));
        assert!(!t.ends_phrase(9));
    }
}
