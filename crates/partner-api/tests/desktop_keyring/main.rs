//! The Linux keyring choice against a real Secret Service: a private session bus with an
//! unlocked gnome-keyring, and the same store with no bus at all (headless, CI).
//!
//! The store decides once per process from `DBUS_SESSION_BUS_ADDRESS`, and changing the
//! environment of a running test process is unsound, so each case runs in a child process of
//! this binary with its own environment (`harness = false`: `main` is the parent or a child).
//! Only Linux chooses between stores; on macOS and Windows this binary has nothing to run.

#[cfg(target_os = "linux")]
mod linux;

/// The one test this binary reports to runners that list tests first (cargo nextest asks
/// `--list --format terse`, then runs `--exact NAME`); all cases run under it.
const TEST_NAME: &str = "secret_service_and_kernel_keyring_cases";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        // No ignored tests here; otherwise list the single test in libtest's terse format.
        if !args.iter().any(|a| a == "--ignored") && cfg!(target_os = "linux") {
            println!("{TEST_NAME}: test");
        }
        return;
    }
    #[cfg(target_os = "linux")]
    linux::main();
}
