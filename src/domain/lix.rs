//! LIX, the Danish readability index: words per sentence plus the percentage of long words.
//! Under 35 is easy; the public pages and the action card are kept there by a test.
//!
//! Words are runs of letters (digits and signs are not words); a word is long with more than
//! six letters; a sentence ends at `.`, `!`, `?`, `:` and at a line break, which the caller
//! puts between block elements (a heading, a list item, a label).

/// The LIX of a text, or `None` when it holds no words.
pub fn lix(text: &str) -> Option<f64> {
    let mut words = 0usize;
    let mut long = 0usize;
    let mut sentences = 0usize;
    for sentence in text.split(['.', '!', '?', ':', '\n']) {
        let mut in_sentence = 0usize;
        for word in sentence
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
        {
            in_sentence += 1;
            if word.chars().count() > 6 {
                long += 1;
            }
        }
        if in_sentence > 0 {
            sentences += 1;
            words += in_sentence;
        }
    }
    if words == 0 {
        return None;
    }
    // Counts are far below f64's exact range.
    let (words, long, sentences) = (words as f64, long as f64, sentences as f64);
    Some(words / sentences + 100.0 * long / words)
}

#[cfg(test)]
mod tests {
    use super::lix;

    #[test]
    fn words_per_sentence_plus_the_share_of_long_words() {
        // 7 words in 2 sentences, 1 long word ("radikaliseret"): 3.5 + 100/7.
        let value = lix("Ring 112 nu. Han bliver radikaliseret, tror jeg!").expect("words");
        assert!((value - (3.5 + 100.0 / 7.0)).abs() < 1e-9, "{value}");
    }

    #[test]
    fn block_breaks_and_colons_end_sentences_and_digits_are_no_words() {
        assert_eq!(lix("Ring\nnu"), Some(1.0));
        assert_eq!(lix("Tlf: 40 86 74 08"), Some(1.0));
        assert_eq!(lix("12 34"), None);
        assert_eq!(
            lix("Æbleøl på Ærø"),
            Some(3.0),
            "Danish letters are letters"
        );
    }
}
