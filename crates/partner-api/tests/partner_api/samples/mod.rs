//! Microsoft's published samples through the client's real entry points (issue 18). A loopback
//! server answers each route with a sample body from `tests/fixtures/microsoft/` (see its README);
//! a client signed in against the emulator's identity reads it with its Partner Center and ARM
//! bases pointed at that server. One module per area asserts the values that matter.

use std::sync::{Arc, Mutex};

use cspdesk_partner_api::{ClientOptions, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

mod azure_stack;
mod customers;
mod identity;
mod invoices;
mod legacy_usage;
mod pricing;
mod usage;

/// Microsoft's sample `area/file`, as text.
pub fn sample(area_file: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/microsoft/{area_file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Microsoft's sample {path} is readable: {e}"))
}

/// An amount as the tests write it.
pub fn dec(text: &str) -> rust_decimal::Decimal {
    text.parse().unwrap()
}

/// A loopback server that answers with samples only.
pub struct SampleServer {
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// Request targets (path and query) no route matched; answered 404.
    pub unmatched: Arc<Mutex<Vec<String>>>,
    /// Every request target, in order.
    pub seen: Arc<Mutex<Vec<String>>>,
}

/// Serves `routes`: a request whose target (path and query) starts with a route's prefix gets
/// that route's body (the longest prefix wins), 200 `application/json`.
pub async fn serve(routes: Vec<(&str, String)>) -> SampleServer {
    serve_answers(routes.into_iter().map(|(p, b)| (p, 200, b)).collect()).await
}

/// [`serve`] with each route's HTTP status (an error sample is sent with its error status).
pub async fn serve_answers(routes: Vec<(&str, u16, String)>) -> SampleServer {
    let mut routes: Vec<(String, (u16, String))> = routes
        .into_iter()
        .map(|(p, status, b)| (p.to_string(), (status, b)))
        .collect();
    routes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let routes = Arc::new(routes);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let unmatched = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (miss, log) = (unmatched.clone(), seen.clone());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let (routes, miss, log) = (routes.clone(), miss.clone(), log.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                log.lock().unwrap().push(target.clone());
                let (status, body) = match routes.iter().find(|(p, _)| target.starts_with(p)) {
                    Some((_, (200, body))) => ("200 OK".to_string(), body.clone()),
                    Some((_, (code, body))) => (format!("{code} Sample Status"), body.clone()),
                    None => {
                        miss.lock().unwrap().push(target.clone());
                        (
                            "404 Not Found".to_string(),
                            format!("{{\"error\":\"no sample for {target}\"}}"),
                        )
                    }
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(reply.as_bytes()).await;
            });
        }
    });
    SampleServer {
        base,
        unmatched,
        seen,
    }
}

/// A client signed in through the emulator's identity whose Partner Center and ARM calls go to
/// `server`. Keep the emulator alive as long as the client.
pub async fn client_for(
    emu: &cspdesk_emulator::RunningEmulator,
    server: &SampleServer,
) -> (Arc<Session>, cspdesk_partner_api::PartnerCenter) {
    let (tokens, _) = sign_in(emu, Choice::Accept(admin(emu))).await;
    let mut settings = settings(emu);
    settings.partner_center_base = server.base.clone();
    settings.arm_base = server.base.clone();
    let key = cspdesk_partner_api::AccountKey::generate();
    let session = Arc::new(
        Session::start(settings, key, store(), tokens.expect("signed in"), now())
            .unwrap()
            .with_clock(emu_clock(emu)),
    );
    let client =
        cspdesk_partner_api::PartnerCenter::new(session.clone(), ClientOptions::default()).unwrap();
    (session, client)
}

#[tokio::test]
async fn the_sample_server_answers_by_longest_prefix_and_records_misses() {
    let server = serve(vec![
        ("/v1/customers", "{\"a\":1}".into()),
        ("/v1/customers/x/subscriptions", "{\"b\":2}".into()),
    ])
    .await;
    let http = reqwest::Client::new();
    let get = |p: &str| http.get(format!("{}{p}", server.base)).send();
    assert_eq!(
        get("/v1/customers?size=5")
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "{\"a\":1}"
    );
    assert_eq!(
        get("/v1/customers/x/subscriptions")
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "{\"b\":2}"
    );
    assert_eq!(get("/v1/invoices").await.unwrap().status().as_u16(), 404);
    assert_eq!(
        server.unmatched.lock().unwrap().as_slice(),
        ["/v1/invoices"]
    );
    assert_eq!(server.seen.lock().unwrap().len(), 3);
}
