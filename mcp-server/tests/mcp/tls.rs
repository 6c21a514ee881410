//! The API client over https: a loopback server with a certificate from a private CA,
//! trusted only through the extra roots (`TODO_API_CA_CERT`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::post;
use mcp_server::api_client::{ApiClient, ApiToken};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A private CA and a server certificate for 127.0.0.1 that it signed.
struct Pki {
    ca_pem: String,
    server_config: rustls::ServerConfig,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &*ca)
        .unwrap();
    // rustls gets two providers in this workspace (ring through sqlx, aws-lc through
    // reqwest), so name one.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![server_cert.der().clone(), ca.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
        )
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_config,
    }
}

/// Accepts TCP connections and completes the TLS handshake before axum sees them.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, address)) = self.tcp.accept().await else {
                continue;
            };
            // A client that refuses our certificate ends its handshake; wait for the next.
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A stand-in for the API's `/graphql` that answers `me` for any bearer token.
async fn serve_https(config: rustls::ServerConfig) -> String {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let listener = TlsListener {
        tcp,
        acceptor: TlsAcceptor::from(Arc::new(config)),
    };
    let router = Router::new().route(
        "/graphql",
        post(|headers: axum::http::HeaderMap| async move {
            let authorized = headers
                .get("authorization")
                .is_some_and(|v| v.as_bytes().starts_with(b"Bearer "));
            axum::Json(if authorized {
                json!({ "data": { "me": { "id": "u-1", "email": "tls@example.com" } } })
            } else {
                json!({ "errors": [{ "message": "no", "extensions": { "code": "UNAUTHENTICATED" } }] })
            })
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("https://127.0.0.1:{port}")
}

#[tokio::test]
async fn the_api_is_reached_over_https_with_an_extra_ca() {
    let pki = pki();
    let url = serve_https(pki.server_config).await;
    let token = ApiToken::parse("todo_tls_test").unwrap();

    let trusting = ApiClient::with_extra_roots(&url, Some(pki.ca_pem.as_bytes())).unwrap();
    trusting.verify(&token).await.unwrap();

    // The system roots alone do not know the private CA: the handshake fails.
    let untrusting = ApiClient::new(&url).unwrap();
    let refused = untrusting.verify(&token).await;
    assert!(refused.is_err(), "{refused:?}");
}

#[test]
fn a_ca_file_that_is_no_certificate_is_refused() {
    let error = ApiClient::with_extra_roots(
        "https://127.0.0.1:1",
        Some(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"),
    )
    .unwrap_err();
    assert!(error.to_string().contains("TODO_API_CA_CERT"), "{error}");
}
