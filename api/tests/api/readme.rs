//! The README's tutorial, run as written against a real server: its shell blocks in
//! order under bash and under zsh, its JavaScript block under Node.js. Only blocks
//! preceded by `<!-- readme-test: tutorial -->` run, so illustrative blocks can be left
//! out deliberately, never by accident. The one change made to the code is the server's
//! address: `127.0.0.1:8080` becomes the test server's random port.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Command;

use crate::helpers::{TestApp, spawn_app};
use crate::js_client::{client_dir, install_client};

const MARKER: &str = "<!-- readme-test: tutorial -->";
const README_ADDRESS: &str = "127.0.0.1:8080";

struct Block {
    language: String,
    code: String,
}

fn readme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")
}

/// The marked blocks, in order. A marker that is not followed by a fenced block is an
/// error, so a block cannot drop out of the test by a slip of the markup.
fn tutorial_blocks(language: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(readme_path()).unwrap();
    let mut lines = readme.lines().enumerate();
    let mut blocks = Vec::new();
    while let Some((number, line)) = lines.next() {
        if line.trim() != MARKER {
            continue;
        }
        let fence = lines
            .by_ref()
            .map(|(_, line)| line.trim())
            .find(|line| !line.is_empty())
            .unwrap_or_default();
        let block_language = fence.strip_prefix("```").unwrap_or_else(|| {
            panic!(
                "README.md line {}: {MARKER} must precede a fenced code block",
                number + 1
            )
        });
        let code: Vec<&str> = lines
            .by_ref()
            .map(|(_, line)| line)
            .take_while(|line| line.trim() != "```")
            .collect();
        blocks.push(Block {
            language: block_language.to_owned(),
            code: code.join("\n") + "\n",
        });
    }
    let blocks: Vec<String> = blocks
        .into_iter()
        .filter(|block| block.language == language)
        .map(|block| block.code)
        .collect();
    assert!(!blocks.is_empty(), "README.md marks no {language} block");
    blocks
}

/// The code, pointed at `app` instead of the default address.
fn against(app: &TestApp, code: &str) -> String {
    assert!(
        code.contains(README_ADDRESS),
        "the tutorial should talk to {README_ADDRESS}"
    );
    let address = app.address.strip_prefix("http://").unwrap_or(&app.address);
    code.replace(README_ADDRESS, address)
}

/// The JSON shown in the blocks' `# {...}` comments, split at each `…` (which stands
/// for ids and tokens): what the run must print, piece by piece, in order.
fn shown_outputs(code: &str) -> Vec<Vec<String>> {
    code.lines()
        .filter_map(|line| line.trim().strip_prefix("# {"))
        .map(|rest| {
            let end = rest.rfind('}').unwrap_or(rest.len() - 1);
            format!("{{{}", &rest[..=end])
                .split('…')
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn contains_in_order(haystack: &str, pieces: &[String]) -> bool {
    let mut rest = haystack;
    pieces.iter().all(|piece| match rest.find(piece.as_str()) {
        Some(at) => {
            rest = &rest[at + piece.len()..];
            true
        }
        None => false,
    })
}

fn require(tool: &str) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "{tool} is needed to run the README's snippets; scripts/test installs it"
    );
}

/// Runs `script` as a file under `shell`, stopping at the first failing command, with
/// an environment holding nothing from this process but `PATH` and `HOME`.
async fn run_shell(shell: &str, script: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tutorial.sh");
    std::fs::write(&path, script).unwrap();
    let options: &[&str] = match shell {
        // -f: no start-up files, so the user's configuration cannot change the outcome.
        "zsh" => &["-f", "-e", "-u", "-o", "pipefail"],
        _ => &["-e", "-u", "-o", "pipefail"],
    };
    let mut command = Command::new(shell);
    command
        .args(options)
        .arg(&path)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .unwrap_or_else(|_| panic!("the tutorial did not finish under {shell}"))
        .unwrap()
}

#[tokio::test]
async fn the_shell_tutorial_runs_as_written_in_bash_and_zsh() {
    for tool in ["bash", "zsh", "curl", "jq"] {
        require(tool);
    }
    let script = tutorial_blocks("sh").join("\n");
    let shown = shown_outputs(&script);
    assert!(shown.len() >= 3, "the tutorial shows its output: {shown:?}");

    for shell in ["bash", "zsh"] {
        let app = spawn_app().await;
        let output = run_shell(shell, &against(&app, &script)).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "the tutorial failed under {shell}:\n{stdout}\n{stderr}"
        );
        for pieces in &shown {
            assert!(
                contains_in_order(&stdout, pieces),
                "under {shell}, the output shown in README.md, {}, is not what the tutorial \
                 printed:\n{stdout}",
                pieces.join("…")
            );
        }
        assert!(stderr.is_empty(), "under {shell}: {stderr}");

        // Running it again signs up a second time: the register line must fail loudly
        // with the API's reason, not put the error into TOKEN and carry on.
        let again = run_shell(shell, &against(&app, &script)).await;
        let stdout = String::from_utf8_lossy(&again.stdout);
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert!(!again.status.success(), "under {shell}: {stdout}");
        assert!(
            stderr.contains("an account with this email exists already"),
            "under {shell}: {stderr}"
        );
        assert!(
            !stdout.contains("createTask"),
            "under {shell}, the tutorial went on after a failed sign-up: {stdout}"
        );
    }
}

#[tokio::test]
async fn the_javascript_subscription_runs_as_written_on_node() {
    install_client().await;
    let [code] = <[String; 1]>::try_from(tutorial_blocks("js"))
        .unwrap_or_else(|blocks| panic!("one JavaScript block expected, got {}", blocks.len()));
    let app = spawn_app().await;
    let token = app.register("ada@example.com").await;

    // The README names the file notifications.mjs (an ES module) and installs graphql-ws
    // and ws next to it; the pinned install of the graphql-ws client test stands in.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notifications.mjs"), against(&app, &code)).unwrap();
    std::os::unix::fs::symlink(
        client_dir().join("node_modules"),
        dir.path().join("node_modules"),
    )
    .unwrap();

    let missing_token = Command::new("node")
        .arg("notifications.mjs")
        .current_dir(dir.path())
        .env_remove("TOKEN")
        .output()
        .await
        .expect("node is needed for this test");
    assert!(!missing_token.status.success());
    assert!(
        String::from_utf8_lossy(&missing_token.stderr).contains("set TOKEN"),
        "{}",
        String::from_utf8_lossy(&missing_token.stderr)
    );

    let mut child = Command::new("node")
        .arg("notifications.mjs")
        .current_dir(dir.path())
        .env("TOKEN", &token)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is needed for this test");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    // The script prints nothing until a notification arrives, so there is no telling
    // when it has subscribed: keep making tasks that are due at once until one reaches it.
    let first_line = tokio::time::timeout(Duration::from_secs(30), async {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let due = (Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
            app.create_task(
                &token,
                json!({ "title": format!("Call Bob {attempt}"), "dueAt": due, "remindBeforeMinutes": 0 }),
            )
            .await;
            if let Ok(line) = tokio::time::timeout(Duration::from_secs(3), lines.next_line()).await
            {
                return line.unwrap();
            }
        }
    })
    .await
    .expect("no notification reached the README's subscription within 30 s");
    let title = first_line.expect("the script exited without printing");
    assert!(title.starts_with("Task due soon: Call Bob "), "{title}");

    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the script should exit after its first notification")
        .unwrap();
    assert!(status.success());
}
