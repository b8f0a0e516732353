//! A real SMTP server for the mail tests (mailin-embedded, on a local port, in a thread of its
//! own): it speaks the protocol to our sender as any mail server would and keeps what it was
//! given, decoded, for the test to read.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{Handler, Response, Server, response};

/// One mail as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
struct Keep {
    inbox: Arc<Mutex<Vec<Received>>>,
    /// Recipients this server refuses with 550.
    refuse: Vec<String>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Keep {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.refuse.iter().any(|r| to.contains(r.as_str())) {
            return response::NO_MAILBOX;
        }
        response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let Ok(parsed) = mailparse::parse_mail(&self.data) else {
            return response::TRANSACTION_FAILED;
        };
        let subject = parsed
            .headers
            .iter()
            .find(|h| h.get_key().eq_ignore_ascii_case("subject"))
            .map(|h| h.get_value())
            .unwrap_or_default();
        let body = parsed.get_body().unwrap_or_default();
        if let Ok(mut inbox) = self.inbox.lock() {
            inbox.push(Received {
                to: self.to.clone(),
                subject,
                body,
            });
        }
        response::OK
    }
}

pub struct MailServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl MailServer {
    /// A local port that nothing listens on (yet): a mail server that is down.
    pub fn free_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    }

    /// A server on a port of its own.
    pub fn start() -> MailServer {
        MailServer::start_on(MailServer::free_port(), &[])
    }

    /// A server on `port` that refuses mail for the addresses containing any of `refuse`.
    pub fn start_on(port: u16, refuse: &[&str]) -> MailServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("the port");
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Keep {
            inbox: inbox.clone(),
            refuse: refuse.iter().map(|s| (*s).to_owned()).collect(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(handler);
        server.with_name("test.invalid").with_tcp_listener(listener);
        // It runs until the test process ends; each test has its own port.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        MailServer { port, inbox }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().map(|i| i.clone()).unwrap_or_default()
    }
}
