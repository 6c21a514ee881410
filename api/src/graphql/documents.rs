//! Parsed GraphQL documents, kept by their text for the next request that sends it.
//!
//! Clients send the same few documents over and over (the web UI's, an agent's, a
//! dashboard's), and parsing is a large share of a small query's work
//! (docs/performance.md). A copy of a parsed document is far cheaper than a parse: its
//! names are shared, not copied.
//!
//! Memory is bounded by the text of the documents kept: a parsed document grows with its
//! text, and the least recently used ones go first once the budget is spent.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Data, Executor, Request, Response};
use futures_util::stream::BoxStream;
use hashlink::LruCache;

/// Longer documents are parsed every time: they are rare, and a few would crowd out the
/// many short ones.
const MAX_DOCUMENT_BYTES: usize = 4 * 1024;
/// The text kept in all, which bounds the parsed documents to a few MiB.
const BUDGET_BYTES: usize = 64 * 1024;

/// The documents parsed lately, shared by every request that runs GraphQL.
#[derive(Clone)]
pub struct ParsedDocuments {
    kept: Arc<Mutex<Kept>>,
}

struct Kept {
    /// Shared, so that a hit is copied after the lock is released.
    documents: LruCache<Box<str>, Arc<ExecutableDocument>>,
    bytes: usize,
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self {
            kept: Arc::new(Mutex::new(Kept {
                documents: LruCache::new_unbounded(),
                bytes: 0,
            })),
        }
    }
}

impl ParsedDocuments {
    /// Gives `request` its parsed document: a kept copy, or a new parse that is then
    /// kept. A document that does not parse is left for the executor to report.
    pub fn parse(&self, request: &mut Request) {
        let cacheable = request.query.len() <= MAX_DOCUMENT_BYTES;
        let kept = cacheable
            .then(|| self.lock().documents.get(request.query.as_str()).cloned())
            .flatten();
        if let Some(document) = kept {
            request.set_parsed_query(ExecutableDocument::clone(&document));
            return;
        }
        let Ok(document) = request.parsed_query() else {
            return;
        };
        if cacheable {
            let document = Arc::new(document.clone());
            self.lock().insert(request.query.as_str().into(), document);
        }
    }

    /// `executor`, with each request's document parsed through here first.
    pub fn reuse<E: Executor>(&self, executor: E) -> Reusing<E> {
        Reusing {
            executor,
            documents: self.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic elsewhere leaves the map whole; at worst a document is parsed again.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn kept(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.documents.len(), kept.bytes)
    }
}

impl Kept {
    fn insert(&mut self, text: Box<str>, document: Arc<ExecutableDocument>) {
        let bytes = text.len();
        // Two requests may parse the same text at once; it is kept once.
        if self.documents.insert(text, document).is_none() {
            self.bytes += bytes;
        }
        while self.bytes > BUDGET_BYTES {
            let Some((evicted, _)) = self.documents.remove_lru() else {
                break;
            };
            self.bytes -= evicted.len();
        }
    }
}

/// An executor whose requests reuse kept documents; see [`ParsedDocuments::reuse`].
#[derive(Clone)]
pub struct Reusing<E> {
    executor: E,
    documents: ParsedDocuments,
}

impl<E: Executor> Executor for Reusing<E> {
    async fn execute(&self, mut request: Request) -> Response {
        self.documents.parse(&mut request);
        self.executor.execute(request).await
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.documents.parse(&mut request);
        self.executor.execute_stream(request, session_data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> Request {
        Request::new(query)
    }

    #[test]
    fn a_document_sent_again_is_the_one_kept() {
        let documents = ParsedDocuments::default();
        let text = "query Tasks { tasks(first: 5) { totalCount } }";
        let mut first = request(text);
        documents.parse(&mut first);
        assert_eq!(documents.kept(), (1, text.len()));

        let mut again = request(text);
        documents.parse(&mut again);
        assert_eq!(documents.kept(), (1, text.len()), "kept once");
        let (Ok(first), Ok(again)) = (first.parsed_query(), again.parsed_query()) else {
            panic!("both requests carry their document");
        };
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
    }

    #[test]
    fn documents_that_do_not_parse_or_are_long_are_not_kept() {
        let documents = ParsedDocuments::default();
        let mut broken = request("query { tasks(first: ) }");
        documents.parse(&mut broken);
        assert!(broken.parsed_query().is_err(), "the executor reports it");

        let long = format!("{{ {} }}", "__typename ".repeat(MAX_DOCUMENT_BYTES / 10));
        let mut long = request(&long);
        documents.parse(&mut long);
        assert!(long.parsed_query().is_ok());
        assert_eq!(documents.kept(), (0, 0));
    }

    #[test]
    fn the_least_recently_used_go_once_the_budget_is_spent() {
        let documents = ParsedDocuments::default();
        let text = |n: usize| format!("query Q{n:05} {{ {} }}", "__typename ".repeat(300));
        let each = text(0).len();
        let fit = BUDGET_BYTES / each;
        for n in 0..fit {
            documents.parse(&mut request(&text(n)));
        }
        // The first is used again, so the second is the least recently used.
        documents.parse(&mut request(&text(0)));
        documents.parse(&mut request(&text(fit)));

        let (count, bytes) = documents.kept();
        assert_eq!(count, fit);
        assert!(bytes <= BUDGET_BYTES, "{bytes} bytes kept");
        let kept = documents.lock();
        assert!(kept.documents.contains_key(text(0).as_str()));
        assert!(!kept.documents.contains_key(text(1).as_str()));
        assert!(kept.documents.contains_key(text(fit).as_str()));
    }
}
