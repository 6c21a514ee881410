//! What the app last saw, kept on this device so that offline (opened from the service
//! worker's cache) it shows the last tasks, settings and notifications it read, until
//! the connection is back. Only answers to queries are kept, per account, and signing
//! out forgets them.

use serde_json::Value;

const STORAGE_KEY: &str = "todo.offline";
/// Answers kept at most: the list, a few task pages, settings, the notification center.
const MAX_ANSWERS: usize = 24;
/// Beyond this many bytes of kept answers, the oldest go first (localStorage holds
/// about 5 MB per site, shared with drafts and the session).
const MAX_BYTES: usize = 1_500_000;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether `body` (a GraphQL request) reads rather than changes.
pub fn is_query(body: &Value) -> bool {
    body["query"]
        .as_str()
        .is_some_and(|text| text.trim_start().starts_with("query"))
}

/// The key an answer is kept under: the account and the exact request.
fn key(email: &str, body: &Value) -> String {
    // FNV-1a: a stable name for the request, not a secret.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in email.bytes().chain(body.to_string().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Kept answers, newest last.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct Kept(Vec<(String, Value)>);

impl Kept {
    fn load() -> Self {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn store(&self) {
        if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(self)) {
            // A full storage keeps the older copy: being offline-ready is a nicety.
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
    }

    /// Keeps `data` under `key`, newest last, within the bounds.
    fn keep(&mut self, key: String, data: Value) {
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, data));
        let mut bytes: usize = self.0.iter().map(|(_, v)| v.to_string().len()).sum();
        while self.0.len() > MAX_ANSWERS || (bytes > MAX_BYTES && self.0.len() > 1) {
            let (_, dropped) = self.0.remove(0);
            bytes -= dropped.to_string().len();
        }
    }

    fn find(&self, key: &str) -> Option<Value> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// Keeps the answer to a query for when the app is offline.
pub fn remember(email: &str, body: &Value, data: &Value) {
    let mut kept = Kept::load();
    kept.keep(key(email, body), data.clone());
    kept.store();
}

/// The last answer to this exact query, if this device kept one.
pub fn recall(email: &str, body: &Value) -> Option<Value> {
    Kept::load().find(&key(email, body))
}

/// Forgets every kept answer (signing out).
pub fn forget() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn keeps_the_last_answer_per_account_and_request_within_bounds() {
        let list = json!({ "query": "query Tasks { tasks { id } }", "variables": {} });
        let change = json!({ "query": "mutation Done { completeTask(id: 1) { id } }" });
        assert!(is_query(&list));
        assert!(!is_query(&change));
        assert_ne!(key("ada@example.com", &list), key("eve@example.com", &list));
        let mut kept = Kept::default();
        kept.keep(key("ada@example.com", &list), json!({ "tasks": [1] }));
        kept.keep(key("ada@example.com", &list), json!({ "tasks": [1, 2] }));
        assert_eq!(kept.0.len(), 1, "one answer per request");
        assert_eq!(
            kept.find(&key("ada@example.com", &list)),
            Some(json!({ "tasks": [1, 2] }))
        );
        assert_eq!(
            kept.find(&key("eve@example.com", &list)),
            None,
            "another account's stay hidden"
        );
        for i in 0..MAX_ANSWERS + 5 {
            kept.keep(format!("q{i}"), json!(i));
        }
        assert_eq!(kept.0.len(), MAX_ANSWERS, "the oldest go first");
        assert_eq!(kept.find("q0"), None);
        let big = json!("x".repeat(MAX_BYTES / 2 + 1));
        kept.keep("big1".into(), big.clone());
        kept.keep("big2".into(), big);
        assert!(
            kept.find("big1").is_none(),
            "a size cap drops the oldest too"
        );
    }
}
