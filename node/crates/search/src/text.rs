//! Text analysis shared by indexing and querying: word splitting (including
//! camelCase, snake_case and letter/digit boundaries), accent folding, light
//! French/English plural stemming and query stop words.

use std::borrow::Cow;

/// Words ignored in multi-term queries (already folded to ASCII lowercase).
const STOP_WORDS: &[&str] = &[
    // French
    "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou",
    "par", "pour", "sur", "un", "une", // English
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the",
    "to", "with",
];

/// Character class used to find camelCase and letter/digit boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Digit,
    /// Letters without case (e.g. CJK).
    Other,
}

fn class_of(c: char) -> Class {
    if c.is_uppercase() {
        Class::Upper
    } else if c.is_lowercase() {
        Class::Lower
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// Combining diacritical marks, so decomposed (NFD) accents stay inside the
/// word they decorate instead of splitting it.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    )
}

fn is_word_char(c: char) -> bool {
    if ('\u{C0}'..='\u{24F}').contains(&c) {
        // Accented Latin letters, the bulk of French text, without a Unicode
        // table lookup: everything in this range but × and ÷ is a letter.
        return c != '\u{D7}' && c != '\u{F7}';
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Whether `run` has no internal boundary: no uppercase letter after the
/// first character, and digits only if it is all digits.
fn is_single_piece(run: &str) -> bool {
    let mut chars = run.chars().filter(|&c| !is_combining_mark(c));
    let Some(first) = chars.next() else {
        return true;
    };
    let digits = first.is_numeric();
    chars.all(|c| {
        let (numeric, upper) = if c.is_ascii() {
            (c.is_ascii_digit(), c.is_ascii_uppercase())
        } else if ('\u{C0}'..='\u{FF}').contains(&c) {
            // Latin-1 letters: uppercase up to Þ (U+DE), lowercase after.
            (false, c <= '\u{DE}')
        } else {
            (c.is_numeric(), c.is_uppercase())
        };
        numeric == digits && !upper
    })
}

/// Reusable buffers for word splitting, so analysing a document allocates
/// per document rather than per token.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    chars: Vec<(usize, Class, char)>,
    pieces: Vec<(usize, usize)>,
    /// Folded tokens of the current word, back to back.
    buf: String,
    /// End offset in `buf` of each token of the current word.
    ends: Vec<usize>,
    /// Whole identifier glued across words (see [`index_terms`]).
    glued: String,
}

/// The folded parts of one word, stored back to back.
struct Run<'a> {
    buf: &'a str,
    ends: &'a [usize],
}

impl<'a> Run<'a> {
    fn tokens(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let (buf, ends) = (self.buf, self.ends);
        (0..ends.len()).map(move |i| &buf[if i == 0 { 0 } else { ends[i - 1] }..ends[i]])
    }

    /// All parts glued together (`conditionconceptid`).
    fn glued(&self) -> &'a str {
        self.buf
    }
}

/// Calls `f` once per word (maximal run of letters and digits) of `text`
/// with the word's folded parts: camelCase, acronym and letter/digit
/// boundaries split, transliterated to ASCII, lowercased. Words folding to
/// nothing are skipped.
fn for_each_run(text: &str, scratch: &mut Scratch, mut f: impl FnMut(Run<'_>)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
        } else {
            let (is_word, len) = decode(text, i);
            if !is_word {
                i += len;
                continue;
            }
        }
        // Scan the word, noting what its shape requires.
        let start = i;
        let (mut ascii, mut lowercase, mut upper_inside) = (true, true, false);
        let (mut digits, mut non_digits) = (false, false);
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_lowercase() {
                non_digits = true;
            } else if b.is_ascii_uppercase() {
                lowercase = false;
                non_digits = true;
                upper_inside |= i > start;
            } else if b.is_ascii_digit() {
                lowercase = false;
                digits = true;
            } else if b.is_ascii() {
                break;
            } else {
                let (is_word, len) = decode(text, i);
                if !is_word {
                    break;
                }
                ascii = false;
                i += len;
                continue;
            }
            i += 1;
        }
        let run = &text[start..i];
        if ascii && lowercase {
            // The most common shape is already one folded token.
            let end = [run.len()];
            f(Run {
                buf: run,
                ends: &end,
            });
            continue;
        }
        scratch.buf.clear();
        scratch.ends.clear();
        if ascii && !upper_inside && !(digits && non_digits) {
            fold_piece(run, &mut scratch.buf, &mut scratch.ends);
        } else {
            split_run(run, &mut scratch.chars, &mut scratch.pieces);
            for &(a, b) in &scratch.pieces {
                fold_piece(&run[a..b], &mut scratch.buf, &mut scratch.ends);
            }
        }
        if !scratch.ends.is_empty() {
            f(Run {
                buf: &scratch.buf,
                ends: &scratch.ends,
            });
        }
    }
}

/// Whether the non-ASCII character starting at byte `i` of `text` belongs to
/// a word, and its length in bytes.
fn decode(text: &str, i: usize) -> (bool, usize) {
    match text[i..].chars().next() {
        Some(c) => (is_word_char(c), c.len_utf8()),
        None => (false, 1),
    }
}

/// Splits one word into byte ranges at camelCase (`conditionConcept`),
/// acronym (`HTTPServer` → `HTTP`, `Server`) and letter/digit (`covid19`)
/// boundaries. A lowercase `s` ending an acronym is kept as its plural
/// (`IDs`, `URLs`).
fn split_run(run: &str, chars: &mut Vec<(usize, Class, char)>, pieces: &mut Vec<(usize, usize)>) {
    chars.clear();
    pieces.clear();
    if is_single_piece(run) {
        // Fast path for the most common word shapes.
        pieces.push((0, run.len()));
        return;
    }
    if run.is_ascii() {
        chars.extend(run.bytes().enumerate().map(|(i, b)| {
            let class = if b.is_ascii_uppercase() {
                Class::Upper
            } else if b.is_ascii_lowercase() {
                Class::Lower
            } else {
                Class::Digit
            };
            (i, class, char::from(b))
        }));
    } else {
        chars.extend(
            run.char_indices()
                .filter(|&(_, c)| !is_combining_mark(c))
                .map(|(i, c)| (i, class_of(c), c)),
        );
    }
    let mut start = 0;
    for k in 1..chars.len() {
        let (i, class, c) = chars[k];
        let (prev_i, prev_class, _) = chars[k - 1];
        let cut = match (prev_class, class) {
            (Class::Lower, Class::Upper) => Some(i),
            (Class::Upper, Class::Lower)
                if k >= 2 && chars[k - 2].1 == Class::Upper && !is_acronym_plural(chars, k, c) =>
            {
                Some(prev_i)
            }
            _ if (prev_class == Class::Digit) != (class == Class::Digit) => Some(i),
            _ => None,
        };
        if let Some(cut) = cut
            && cut > start
        {
            pieces.push((start, cut));
            start = cut;
        }
    }
    if start < run.len() {
        pieces.push((start, run.len()));
    }
}

fn is_acronym_plural(chars: &[(usize, Class, char)], k: usize, c: char) -> bool {
    c == 's' && chars.get(k + 1).is_none_or(|next| next.1 != Class::Lower)
}

/// Transliterates one word part to lowercase ASCII tokens, appended to `buf`
/// with their end offsets in `ends`.
fn fold_piece(piece: &str, buf: &mut String, ends: &mut Vec<usize>) {
    if piece.is_ascii() {
        // Word parts only hold letters and digits, so this is one token.
        let from = buf.len();
        buf.push_str(piece);
        buf[from..].make_ascii_lowercase();
        ends.push(buf.len());
        return;
    }
    let mut from = buf.len();
    for c in piece.chars() {
        let ascii = if c.is_ascii() {
            // Letters and digits only, as above.
            buf.push(c.to_ascii_lowercase());
            continue;
        } else {
            // Characters without transliteration separate tokens.
            deunicode::deunicode_char(c).unwrap_or(" ")
        };
        for b in ascii.bytes() {
            if b.is_ascii_alphanumeric() {
                buf.push(char::from(b.to_ascii_lowercase()));
            } else {
                if buf.len() > from {
                    ends.push(buf.len());
                }
                from = buf.len();
            }
        }
    }
    if buf.len() > from {
        ends.push(buf.len());
    }
}

/// Folded, unstemmed tokens of `text`: lowercase ASCII letters and digits,
/// accents stripped, split on non-alphanumerics and inside camelCase and
/// snake_case identifiers.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_run(text, &mut Scratch::default(), |run| {
        out.extend(run.tokens().map(str::to_owned));
    });
    out
}

/// `text` folded for comparison and sorting: its tokens joined by single
/// spaces (`"Hôpital  Saint-Éloi"` → `"hopital saint eloi"`).
pub fn fold(text: &str) -> String {
    tokenize(text).join(" ")
}

/// Light French/English plural stemming of a folded token. Tokens shorter
/// than four characters and tokens holding digits are left alone.
pub(crate) fn stem(token: &str) -> Cow<'_, str> {
    let n = token.len();
    if n < 4 || !token.bytes().all(|b| b.is_ascii_lowercase()) {
        return Cow::Borrowed(token);
    }
    if n > 4 && token.ends_with("ies") {
        // studies → studi, like study below
        return Cow::Borrowed(&token[..n - 2]);
    }
    if token.ends_with('y') && !matches!(token.as_bytes()[n - 2], b'a' | b'e' | b'i' | b'o' | b'u')
    {
        // study → studi, therapy → therapi, so that the singular, the plural
        // and their prefixes meet (days and keys keep their y)
        return Cow::Owned(format!("{}i", &token[..n - 1]));
    }
    if token.ends_with("sses") {
        // classes → class
        return Cow::Borrowed(&token[..n - 2]);
    }
    if token.ends_with("eaux") || token.ends_with("eux") || token.ends_with("oux") {
        // niveaux → niveau, cheveux → cheveu, genoux → genou
        return Cow::Borrowed(&token[..n - 1]);
    }
    if n > 4 && token.ends_with("aux") {
        // hôpitaux → hopital, médicaux → medical (but "taux" stays)
        return Cow::Owned(format!("{}al", &token[..n - 3]));
    }
    if token.ends_with('s')
        && !token.ends_with("ss")
        && !token.ends_with("us")
        && !token.ends_with("is")
    {
        // visits → visit; status, virus, diagnosis, class stay whole
        return Cow::Borrowed(&token[..n - 1]);
    }
    Cow::Borrowed(token)
}

/// Calls `f` with each index term of `text`: every token stemmed, plus each
/// multi-part word glued (`conditionConceptId` → `conditionconceptid`). With
/// `whole`, an identifier made of several words is also glued as a whole
/// (`visit_start_date` → `visitstartdate`).
pub(crate) fn index_terms(text: &str, whole: bool, scratch: &mut Scratch, mut f: impl FnMut(&str)) {
    let mut runs = 0usize;
    let mut glued = std::mem::take(&mut scratch.glued);
    glued.clear();
    for_each_run(text, scratch, |run| {
        runs += 1;
        for token in run.tokens() {
            f(&stem(token));
        }
        if run.ends.len() > 1 {
            f(&stem(run.glued()));
        }
        if whole {
            glued.push_str(run.glued());
        }
    });
    if whole && runs > 1 {
        f(&stem(&glued));
    }
    scratch.glued = glued;
}

/// One analysed query term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QueryTerm {
    /// Folded token as typed.
    pub raw: String,
    /// Stemmed form, looked up exactly.
    pub stem: String,
    /// Whether index terms starting with `raw` or `stem` also match.
    pub prefix: bool,
}

/// Upper bound on analysed query terms, to bound the work per query.
const MAX_QUERY_TERMS: usize = 32;

/// Analyses query text. The last term is a prefix unless the text ends with
/// whitespace. Stop words are dropped unless the query has nothing else
/// (while typing `mortalité de`, the results stay those of `mortalité`
/// instead of requiring a word starting with `de`).
pub(crate) fn query_terms(text: &str) -> Vec<QueryTerm> {
    let tokens = tokenize(text);
    let prefix_last = !text.ends_with(char::is_whitespace);
    let last = tokens.len().saturating_sub(1);
    let only_stop_words = tokens.iter().all(|t| STOP_WORDS.contains(&t.as_str()));
    let mut terms: Vec<QueryTerm> = Vec::new();
    for (i, raw) in tokens.iter().enumerate() {
        if !only_stop_words && STOP_WORDS.contains(&raw.as_str()) {
            continue;
        }
        let term = QueryTerm {
            stem: stem(raw).into_owned(),
            raw: raw.clone(),
            prefix: prefix_last && i == last,
        };
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms.truncate(MAX_QUERY_TERMS);
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str, whole: bool) -> Vec<String> {
        let mut out = Vec::new();
        index_terms(text, whole, &mut Scratch::default(), |t| {
            out.push(t.to_owned())
        });
        out
    }

    #[test]
    fn folds_accents_and_ligatures() {
        assert_eq!(
            tokenize("Hôpital Œuvre Garçon"),
            ["hopital", "oeuvre", "garcon"]
        );
        assert_eq!(tokenize("Maßnahme Æther"), ["massnahme", "aether"]);
        // NFD: "e" followed by a combining acute accent.
        assert_eq!(tokenize("he\u{301}patite"), ["hepatite"]);
    }

    #[test]
    fn latin_fast_path_agrees_with_unicode() {
        for c in '\u{C0}'..='\u{24F}' {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn splits_on_punctuation_and_apostrophes() {
        assert_eq!(
            tokenize("l'hôpital, (CHU) — séjour/durée"),
            ["l", "hopital", "chu", "sejour", "duree"]
        );
        assert!(tokenize("  ,;-- ").is_empty());
    }

    #[test]
    fn splits_identifiers() {
        assert_eq!(tokenize("visit_start_date"), ["visit", "start", "date"]);
        assert_eq!(
            tokenize("conditionConceptId"),
            ["condition", "concept", "id"]
        );
        assert_eq!(tokenize("HTTPServer"), ["http", "server"]);
        assert_eq!(tokenize("patientIDs"), ["patient", "ids"]);
        assert_eq!(tokenize("covid19 COVID-19"), ["covid", "19", "covid", "19"]);
        assert_eq!(tokenize("DateDeNaissance"), ["date", "de", "naissance"]);
        assert_eq!(tokenize("Épidémiologie ÉTAT"), ["epidemiologie", "etat"]);
        assert_eq!(tokenize("étatCivil"), ["etat", "civil"]);
        assert_eq!(tokenize("ÉtatCIVILÉlevé"), ["etat", "civil", "eleve"]);
        assert_eq!(tokenize("2024"), ["2024"]);
    }

    #[test]
    fn stems_plurals() {
        for (word, expected) in [
            ("visits", "visit"),
            ("hopitaux", "hopital"),
            ("medicaux", "medical"),
            ("taux", "taux"),
            ("niveaux", "niveau"),
            ("studies", "studi"),
            ("study", "studi"),
            ("therapy", "therapi"),
            ("days", "day"),
            ("keys", "key"),
            ("classes", "class"),
            ("status", "status"),
            ("diagnosis", "diagnosis"),
            ("diabetes", "diabete"),
            ("ids", "ids"),
            ("covid19s", "covid19s"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }

    #[test]
    fn index_terms_glue_identifiers() {
        assert_eq!(
            index("conditionConceptIds", false),
            ["condition", "concept", "ids", "conditionconceptid"]
        );
        assert_eq!(
            index("visit_start_dates", true),
            ["visit", "start", "date", "visitstartdate"]
        );
        assert_eq!(index("visit_start_date", false), ["visit", "start", "date"]);
        assert_eq!(index("hôpitaux", true), ["hopital"]);
    }

    #[test]
    fn query_prefix_and_stop_words() {
        let terms = query_terms("taux de bronchio");
        let raws: Vec<_> = terms.iter().map(|t| (t.raw.as_str(), t.prefix)).collect();
        assert_eq!(raws, [("taux", false), ("bronchio", true)]);

        let terms = query_terms("mortalité de");
        let raws: Vec<_> = terms.iter().map(|t| (t.raw.as_str(), t.prefix)).collect();
        assert_eq!(raws, [("mortalite", false)]);

        let terms = query_terms("hôpitaux ");
        assert_eq!(terms.len(), 1);
        assert_eq!(terms[0].stem, "hopital");
        assert!(!terms[0].prefix);

        // Only stop words: keep them.
        let terms = query_terms("the of");
        let raws: Vec<_> = terms.iter().map(|t| (t.raw.as_str(), t.prefix)).collect();
        assert_eq!(raws, [("the", false), ("of", true)]);

        // Duplicates collapse.
        assert_eq!(query_terms("date date ").len(), 1);

        assert!(query_terms(" - ").is_empty());
    }
}
