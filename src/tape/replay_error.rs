//! Why a replay gave no result: [`ReplayError`].

/// Why a replay gave no result: the function must be recorded again at this point.
///
/// Like ADOL-C's "re-tape" status or CppAD's count of changed comparisons; never a silently
/// wrong gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// Comparison number `comparison` (in recording order; the first that changed)
    /// evaluates to `!recorded` at this point: the function would take another branch.
    BranchChanged {
        /// Its index among the comparisons recorded, from 0.
        comparison: usize,
        /// Its operator (`"<"`, `">="`, …).
        symbol: &'static str,
        /// Its outcome when recorded.
        recorded: bool,
    },
    /// The recording used a rule defined outside the crate, which a replay cannot run:
    /// every point must be recorded.
    ForeignRule {
        /// The rule's name.
        name: &'static str,
    },
}

impl core::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReplayError::BranchChanged {
                comparison,
                symbol,
                recorded,
            } => write!(
                f,
                "tapeless: comparison {comparison} (`{symbol}`) was {recorded} when recorded \
                 and is {} at this point: the function takes another branch; record it again",
                !recorded
            ),
            ReplayError::ForeignRule { name } => write!(
                f,
                "tapeless: the recording uses the rule `{name}`, defined outside the crate, \
                 which a replay cannot run; record the function at each point"
            ),
        }
    }
}

impl core::error::Error for ReplayError {}
