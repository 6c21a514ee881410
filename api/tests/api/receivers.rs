//! The receiving ends of reminder delivery (`api/tests/delivery/receivers.py`): a push
//! service that verifies VAPID and decrypts each message, and a real SMTP server, run
//! from a virtualenv made on first use.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt as _;
use tokio::process::{Child, Command};

static VENV: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();

fn tool_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/delivery")
}

/// The virtualenv with the test tools' packages (the receivers, the iCalendar reader),
/// made or brought up to date once per test run (`target/delivery-venv`, keyed by the
/// requirements file).
pub async fn venv() -> &'static Path {
    VENV.get_or_init(|| async {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/delivery-venv");
        let requirements = tool_dir().join("requirements.txt");
        let stamp = venv.join(".requirements");
        let wanted = std::fs::read(&requirements).unwrap();
        if std::fs::read(&stamp).ok().as_deref() != Some(wanted.as_slice()) {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .await
                .expect("python3 (3.9 or newer) is needed for the delivery tests");
            assert!(made.success(), "python3 -m venv {} failed", venv.display());
            let installed = Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(&requirements)
                .status()
                .await
                .unwrap();
            assert!(
                installed.success(),
                "installing {} failed",
                requirements.display()
            );
            std::fs::write(&stamp, wanted).unwrap();
        }
        venv
    })
    .await
}

pub struct Receivers {
    /// The push service and control API, `http://127.0.0.1:<port>`.
    pub http: String,
    /// The SMTP server's `127.0.0.1:<port>`.
    pub smtp: String,
    client: reqwest::Client,
    _process: Child,
}

/// A browser's subscription made at the test push service.
pub struct Device {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl Receivers {
    pub async fn start() -> Self {
        let python = venv().await.join("bin/python");
        let mut process = Command::new(python)
            .arg(tool_dir().join("receivers.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdout = process.stdout.take().unwrap();
        let mut line = String::new();
        tokio::io::BufReader::new(stdout)
            .read_line(&mut line)
            .await
            .unwrap();
        let ready: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("receivers.py did not start: {line:?}"));
        Self {
            http: ready["http"].as_str().unwrap().to_owned(),
            smtp: ready["smtp"].as_str().unwrap().to_owned(),
            client: reqwest::Client::new(),
            _process: process,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.http))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    pub async fn device(&self, name: &str) -> Device {
        let made = self.post("/devices", json!({ "name": name })).await;
        Device {
            endpoint: made["endpoint"].as_str().unwrap().to_owned(),
            p256dh: made["p256dh"].as_str().unwrap().to_owned(),
            auth: made["auth"].as_str().unwrap().to_owned(),
        }
    }

    /// The next `times` pushes to the device are answered with `status` (and headers).
    pub async fn answer_push(&self, device: &str, status: u16, times: u32, headers: Value) {
        self.post(
            &format!("/devices/{device}/answer"),
            json!({ "status": status, "times": times, "headers": headers }),
        )
        .await;
    }

    /// The next push to the device is taken and answered (201) only after `seconds`.
    pub async fn answer_push_slowly(&self, device: &str, seconds: u32) {
        self.post(
            &format!("/devices/{device}/answer"),
            json!({ "status": 201, "times": 1, "delay": seconds }),
        )
        .await;
    }

    /// The next `times` messages are refused with this SMTP reply.
    pub async fn refuse_mail(&self, reply: &str, times: u32) {
        self.post("/smtp/answer", json!({ "reply": reply, "times": times }))
            .await;
    }

    pub async fn pushes(&self) -> Vec<Value> {
        self.get("/pushes").await
    }

    pub async fn mails(&self) -> Vec<Value> {
        self.get("/mails").await
    }

    async fn get(&self, path: &str) -> Vec<Value> {
        self.client
            .get(format!("{}{path}", self.http))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}
