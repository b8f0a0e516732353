//! The pages a worried citizen or a new employee reads first stay easy to read: LIX 35 or below
//! on the text inside `<main>`, for every municipality. The test prints each page's LIX.

use axum::http::StatusCode;
use infohus::domain::lix::lix;
use scraper::{ElementRef, Html, Node, Selector};

use crate::support::TestApp;

/// Elements that end a sentence where they start and end, as a reader's eye does.
const BLOCKS: [&str; 24] = [
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "dt",
    "dd",
    "div",
    "section",
    "legend",
    "label",
    "button",
    "option",
    "caption",
    "summary",
    "figcaption",
    "blockquote",
    "article",
    "fieldset",
];

fn collect(element: ElementRef<'_>, out: &mut String) {
    let block = BLOCKS.contains(&element.value().name());
    if block {
        out.push('\n');
    }
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(_) => {
                if let Some(e) = ElementRef::wrap(child) {
                    // What is never shown is never read.
                    let hidden = e.value().attr("hidden").is_some()
                        || e.value().classes().any(|c| c == "visually-hidden")
                        || matches!(e.value().name(), "script" | "style" | "template");
                    if !hidden {
                        collect(e, out);
                    }
                }
            }
            _ => {}
        }
    }
    if block {
        out.push('\n');
    }
}

/// The visible text of the page's `<main>`, with a line break at every block.
pub fn main_text(html: &str) -> String {
    let document = Html::parse_document(html);
    let main = Selector::parse("main").expect("selector");
    let mut out = String::new();
    for m in document.select(&main) {
        collect(m, &mut out);
    }
    out
}

#[tokio::test]
async fn the_public_pages_and_the_action_card_read_easily_in_every_municipality() {
    let app = TestApp::new().await;
    let mut worst: Vec<(String, f64)> = Vec::new();
    for slug in ["randers", "ballerup"] {
        for page in ["", "/actioncard", "/bekymring", "/status"] {
            let path = format!("/k/{slug}{page}");
            let r = app.client().get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            let text = main_text(&r.body);
            let value = lix(&text).expect("the page has words");
            println!("LIX {value:5.1}  {path}");
            worst.push((path, value));
        }
    }
    let hard: Vec<_> = worst.iter().filter(|(_, v)| *v > 35.0).collect();
    assert!(hard.is_empty(), "pages above LIX 35: {hard:?}");
}
