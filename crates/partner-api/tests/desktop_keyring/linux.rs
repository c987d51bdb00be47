//! The cases, Linux only: the parent sets up the session, each child runs one case.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeZone;
use cspdesk_partner_api::{
    AccountKey, ConsentRecord, KeyringStore, Sensitive, StoredConsent, TokenStore,
};
use dbus::blocking::Connection;
use keyring::secret_service::SsCredential;
use linux_keyutils::{KeyRing, KeyRingIdentifier};

/// Keyring service of these tests, apart from the app's `cspdesk` and the other tests'.
const SERVICE: &str = "cspdesk-test-desktop-keyring";

/// Names the case a child process runs.
const CASE_VAR: &str = "CSPDESK_KEYRING_CASE";

/// A session bus that only routes messages; `<servicedir>` is left out on purpose.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

const APT_HINT: &str =
    "apt-get install -y --no-install-recommends dbus gnome-keyring libdbus-1-dev \
     (or `cargo xtask setup`)";

pub fn main() {
    match std::env::var(CASE_VAR).ok().as_deref() {
        None => run_cases(),
        Some("desktop") => desktop_session_uses_the_secret_service(),
        Some("headless") => kernel_keyring_without_a_session_bus(),
        Some("bus-without-secret-service") => kernel_keyring_when_no_secret_service_answers(),
        Some(other) => panic!("unknown {CASE_VAR} {other:?}"),
    }
}

// ---- children: one process per case ----

/// Reads find an older kernel copy, saves move the token into the Secret Service and drop the
/// kernel copy, and delete clears both.
fn desktop_session_uses_the_secret_service() {
    let store = KeyringStore::with_service(SERVICE);
    let key = AccountKey::generate();

    put_kernel_copy(&key, "rt-from-a-headless-run");
    assert_eq!(
        token(&store, &key).as_deref(),
        Some("rt-from-a-headless-run"),
        "a token stored before the desktop keyring was there is still found"
    );

    store
        .save(&key, &consent("rt-desktop"))
        .expect("the Secret Service accepts the entry");
    let in_secret_service = secret_service_copy(&key).expect("the save reached the Secret Service");
    assert!(
        in_secret_service.contains("rt-desktop"),
        "the Secret Service holds the new token"
    );
    assert_eq!(
        kernel_copy(&key),
        None,
        "the save removed the stale kernel copy"
    );
    assert_eq!(
        token(&store, &key).as_deref(),
        Some("rt-desktop"),
        "read back from the Secret Service"
    );

    put_kernel_copy(&key, "rt-stale");
    assert_eq!(
        token(&store, &key).as_deref(),
        Some("rt-desktop"),
        "the Secret Service is read before the kernel keyring"
    );

    store.delete(&key).expect("delete succeeds");
    assert_eq!(
        secret_service_copy(&key),
        None,
        "gone from the Secret Service"
    );
    assert_eq!(kernel_copy(&key), None, "gone from the kernel keyring too");
    assert_eq!(token(&store, &key), None, "nothing left to load");
    store.delete(&key).expect("deleting twice is fine");
}

/// No session bus: the kernel keyring is used, and choosing it makes no D-Bus call.
fn kernel_keyring_without_a_session_bus() {
    kernel_round_trip("rt-headless");
}

/// A session bus but no Secret Service on it (a minimal desktop): the kernel keyring, at once.
fn kernel_keyring_when_no_secret_service_answers() {
    kernel_round_trip("rt-no-secret-service");
}

fn kernel_round_trip(refresh_token: &str) {
    let started = Instant::now();
    let store = KeyringStore::with_service(SERVICE);
    let key = AccountKey::generate();
    store
        .save(&key, &consent(refresh_token))
        .expect("the kernel keyring accepts the entry");
    assert!(
        kernel_copy(&key).is_some_and(|text| text.contains(refresh_token)),
        "without a Secret Service the token goes to the kernel keyring"
    );
    assert_eq!(
        token(&store, &key).as_deref(),
        Some(refresh_token),
        "read back from the kernel keyring"
    );
    store.delete(&key).expect("delete succeeds");
    assert_eq!(kernel_copy(&key), None, "deleted from the kernel keyring");
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(1),
        "choosing the kernel keyring must not wait for D-Bus timeouts (took {elapsed:?})"
    );
}

/// The consent every case stores; also the metadata of the kernel copies planted by hand.
fn record() -> ConsentRecord {
    let at = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    ConsentRecord {
        upn: "admin@x".into(),
        tenant_id: "t".into(),
        consented_at: at,
        last_refreshed_at: at,
    }
}

fn consent(token: &str) -> StoredConsent {
    StoredConsent {
        refresh_token: Sensitive::new(token.to_string()),
        record: record(),
    }
}

fn token(store: &KeyringStore, key: &AccountKey) -> Option<String> {
    store
        .load(key)
        .expect("the keyring reads")
        .map(|c| c.refresh_token.expose().clone())
}

/// The kernel user keyring entry as `kernel_keyring` names it, `{service}:{account key}`.
fn kernel_description(key: &AccountKey) -> String {
    format!("{SERVICE}:{}", key.as_str())
}

fn user_keyring() -> KeyRing {
    KeyRing::from_special_id(KeyRingIdentifier::User, true).expect("the user keyring exists")
}

/// Writes an entry the way an earlier, kernel-only run did: the record's JSON plus the token.
fn put_kernel_copy(key: &AccountKey, token: &str) {
    let mut entry = serde_json::to_value(record()).expect("a record serializes");
    entry["refreshToken"] = token.into();
    user_keyring()
        .add_key(&kernel_description(key), entry.to_string().as_bytes())
        .expect("the kernel keyring accepts a key");
}

fn kernel_copy(key: &AccountKey) -> Option<String> {
    let found = user_keyring().search(&kernel_description(key)).ok()?;
    let bytes = found.read_to_vec().ok()?;
    Some(String::from_utf8(bytes).expect("entries are UTF-8 JSON"))
}

fn secret_service_copy(key: &AccountKey) -> Option<String> {
    let credential =
        SsCredential::new_with_target(None, SERVICE, key.as_str()).expect("a valid credential");
    match keyring::Entry::new_with_credential(Box::new(credential)).get_password() {
        Ok(text) => Some(text),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => panic!("the Secret Service failed: {e}"),
    }
}

// ---- parent: a private desktop session, then the children ----

/// A process this test started; stopped when the test ends, however it ends.
struct Daemon {
    name: &'static str,
    child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Err(e) = self.child.kill() {
            eprintln!("could not stop {}: {e}", self.name);
        }
        let _ = self.child.wait();
    }
}

fn spawn(name: &'static str, command: &mut Command) -> Daemon {
    match command.spawn() {
        Ok(child) => Daemon { name, child },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{name}` is not installed; the Secret Service test needs the Debian packages \
             dbus and gnome-keyring: {APT_HINT}"
        ),
        Err(e) => panic!("could not start {name}: {e}"),
    }
}

fn run_cases() {
    let home = tempfile::tempdir().expect("a temporary home");
    let runtime_dir = home.path().join("run");
    std::fs::create_dir(&runtime_dir).expect("a runtime dir");
    // gnome-keyring writes its keyrings under $HOME: keep them out of the real home.
    let session_env = [
        ("HOME", home.path().as_os_str()),
        ("XDG_RUNTIME_DIR", runtime_dir.as_os_str()),
    ];

    // A bus with no service directories: nothing is started on demand, so the case without a
    // Secret Service is real, and gnome-keyring runs only as the instance started below.
    let config = home.path().join("session.conf");
    std::fs::write(&config, BUS_CONFIG).expect("the bus configuration is written");
    let mut config_arg = std::ffi::OsString::from("--config-file=");
    config_arg.push(&config);
    let mut bus = spawn(
        "dbus-daemon",
        Command::new("dbus-daemon")
            .arg(config_arg)
            .args(["--nofork", "--print-address=1"])
            .envs(session_env)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut address = String::new();
    BufReader::new(bus.child.stdout.take().expect("piped stdout"))
        .read_line(&mut address)
        .expect("dbus-daemon prints its address");
    let address = address.trim().to_string();
    assert!(!address.is_empty(), "dbus-daemon printed no address");

    run_child("bus-without-secret-service", |c| {
        c.envs(session_env)
            .env("DBUS_SESSION_BUS_ADDRESS", &address);
    });

    let mut keyring_daemon = spawn(
        "gnome-keyring-daemon",
        Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(session_env)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    // An empty password line creates and unlocks the "login" collection, the default one.
    let mut password = keyring_daemon.child.stdin.take().expect("piped stdin");
    password
        .write_all(b"\n")
        .expect("gnome-keyring reads the password");
    drop(password);
    wait_for_default_collection(&address);

    run_child("desktop", |c| {
        c.envs(session_env)
            .env("DBUS_SESSION_BUS_ADDRESS", &address);
    });
    run_child("headless", |c| {
        c.env_remove("DBUS_SESSION_BUS_ADDRESS");
    });
    drop(keyring_daemon);
    drop(bus);
}

fn wait_for_default_collection(address: &str) {
    let mut channel = dbus::channel::Channel::open_private(address).expect("the private bus opens");
    channel.register().expect("the private bus accepts us");
    let connection = Connection::from(channel);
    let service = connection.with_proxy(
        "org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        Duration::from_secs(2),
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let alias: Result<(dbus::Path<'static>,), _> =
            service.method_call("org.freedesktop.Secret.Service", "ReadAlias", ("default",));
        let unlocked = match &alias {
            Ok((path,)) if &**path != "/" => collection_is_unlocked(&connection, path),
            _ => false,
        };
        match alias {
            // The alias appears when the collection is created, a moment before it is unlocked.
            Ok(_) if unlocked => return,
            _ if Instant::now() > deadline => panic!(
                "gnome-keyring did not offer an unlocked default collection within 15 s \
                 (last answer: {alias:?}); is the gnome-keyring package complete? {APT_HINT}"
            ),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn collection_is_unlocked(connection: &Connection, path: &dbus::Path<'static>) -> bool {
    use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
    connection
        .with_proxy(
            "org.freedesktop.secrets",
            path.clone(),
            Duration::from_secs(2),
        )
        .get::<bool>("org.freedesktop.Secret.Collection", "Locked")
        .is_ok_and(|locked| !locked)
}

fn run_child(case: &str, configure: impl FnOnce(&mut Command)) {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command.env(CASE_VAR, case);
    configure(&mut command);
    let status = command.status().expect("the test binary starts again");
    assert!(
        status.success(),
        "case `{case}` failed ({status}); its output is above"
    );
    println!("test {case} ... ok");
}
