//! A scripted loopback server: each route (method and path prefix, longest first) answers its
//! replies in turn (the last one again once they run out) and every request is recorded.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn bytes(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/octet-stream".into())],
            body,
        }
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub authorization: Option<String>,
    pub body: String,
}

type Routes = Arc<Mutex<Vec<(String, String, Vec<Reply>, usize)>>>;

pub struct Scripted {
    pub base: String,
    routes: Routes,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    pub async fn start() -> Scripted {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Routes = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (r, log) = (routes.clone(), seen.clone());
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let (routes, log) = (r.clone(), log.clone());
                tokio::spawn(async move {
                    let mut raw = Vec::new();
                    let mut buf = [0u8; 8192];
                    let head_end = loop {
                        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => raw.extend_from_slice(&buf[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    while raw.len() < head_end + length {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => raw.extend_from_slice(&buf[..n]),
                        }
                    }
                    let mut words = head.split_whitespace();
                    let method = words.next().unwrap_or("GET").to_string();
                    let target = words.next().unwrap_or("/").to_string();
                    let authorization = head.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("authorization")
                            .then(|| v.trim().to_string())
                    });
                    log.lock().unwrap().push(Seen {
                        method: method.clone(),
                        target: target.clone(),
                        authorization,
                        body: String::from_utf8_lossy(&raw[head_end..]).to_string(),
                    });
                    let reply = {
                        let mut routes = routes.lock().unwrap();
                        routes.sort_by_key(|(_, p, _, _)| std::cmp::Reverse(p.len()));
                        match routes
                            .iter_mut()
                            .find(|(m, p, _, _)| *m == method && target.starts_with(p.as_str()))
                        {
                            Some((_, _, replies, n)) => {
                                let r = replies[(*n).min(replies.len() - 1)].clone();
                                *n += 1;
                                r
                            }
                            None => Reply::json(
                                404,
                                "{\"error\":{\"code\":\"NotFound\",\"message\":\"no route\"}}",
                            ),
                        }
                    };
                    let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
                    for (k, v) in &reply.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str(&format!(
                        "Content-Length: {}\r\nConnection: close\r\n\r\n",
                        reply.body.len()
                    ));
                    let _ = s.write_all(out.as_bytes()).await;
                    let _ = s.write_all(&reply.body).await;
                });
            }
        });
        Scripted { base, routes, seen }
    }

    /// Answers `method` requests under `prefix` with `replies` in turn.
    pub fn route(&self, method: &str, prefix: &str, replies: Vec<Reply>) {
        self.routes
            .lock()
            .unwrap()
            .push((method.into(), prefix.into(), replies, 0));
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// `lines` joined by newlines, gzip'd.
pub fn gzip_lines(lines: &[String]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for l in lines {
        gz.write_all(l.as_bytes()).unwrap();
        gz.write_all(b"\n").unwrap();
    }
    gz.finish().unwrap()
}
