//! The states a Discovery run goes through, as the Accounts page shows them, and the only
//! transitions allowed between them. One run per account at a time: a run that is
//! InProgress blocks another from starting.

use serde::{Deserialize, Serialize};

/// A run's state (the five badges of the Discovery panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RunState {
    /// No run has ever started for the account.
    NotStarted,
    /// A run is fetching.
    InProgress,
    /// The user stopped the run; the data written so far is consistent and the next run
    /// resumes from the cursors.
    Stopped,
    /// The run ended on an error the user can act on (named endpoint and reason).
    Error,
    /// Everything planned was fetched.
    Completed,
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trigger {
    /// The Start button or `cspdesk discover`.
    Manual,
    /// The twice-daily schedule or the start-up catch-up.
    Scheduled,
}

/// A transition that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// A run is already in progress for this account.
    #[error(
        "Discovery is already running for this account: wait for it to finish or stop it first"
    )]
    AlreadyRunning,
    /// Only a running run can stop, fail or complete.
    #[error("no Discovery run is in progress (the last run is {0:?})")]
    NotRunning(RunState),
}

impl RunState {
    /// Starting a new run from this state.
    pub fn start(self) -> Result<RunState, TransitionError> {
        match self {
            RunState::InProgress => Err(TransitionError::AlreadyRunning),
            _ => Ok(RunState::InProgress),
        }
    }

    /// Ending the current run in `end` (Stopped, Error or Completed).
    pub fn finish(self, end: RunEnd) -> Result<RunState, TransitionError> {
        match self {
            RunState::InProgress => Ok(match end {
                RunEnd::Stopped => RunState::Stopped,
                RunEnd::Failed => RunState::Error,
                RunEnd::Completed => RunState::Completed,
            }),
            other => Err(TransitionError::NotRunning(other)),
        }
    }

    /// A run found InProgress when the app starts was killed with the process: it is
    /// recorded as stopped so the next run resumes from the cursors it left.
    pub fn after_restart(self) -> RunState {
        match self {
            RunState::InProgress => RunState::Stopped,
            other => other,
        }
    }
}

/// How a running run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Stopped by the user.
    Stopped,
    /// Ended on an error.
    Failed,
    /// Finished its plan.
    Completed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_run_at_a_time_and_only_a_running_run_ends() {
        assert_eq!(RunState::NotStarted.start(), Ok(RunState::InProgress));
        assert_eq!(
            RunState::InProgress.start(),
            Err(TransitionError::AlreadyRunning)
        );
        for done in [RunState::Stopped, RunState::Error, RunState::Completed] {
            assert_eq!(
                done.start(),
                Ok(RunState::InProgress),
                "a new run may follow {done:?}"
            );
            assert_eq!(
                done.finish(RunEnd::Completed),
                Err(TransitionError::NotRunning(done))
            );
        }
        assert_eq!(
            RunState::InProgress.finish(RunEnd::Stopped),
            Ok(RunState::Stopped)
        );
        assert_eq!(
            RunState::InProgress.finish(RunEnd::Failed),
            Ok(RunState::Error)
        );
        assert_eq!(
            RunState::InProgress.finish(RunEnd::Completed),
            Ok(RunState::Completed)
        );
    }

    #[test]
    fn a_run_killed_with_the_process_counts_as_stopped() {
        assert_eq!(RunState::InProgress.after_restart(), RunState::Stopped);
        assert_eq!(RunState::Completed.after_restart(), RunState::Completed);
    }
}
