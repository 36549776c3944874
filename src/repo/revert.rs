pub struct Conflict;
pub struct RevertOutcome;
