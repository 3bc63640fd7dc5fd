//! The citizen's memory in Redis: one JSON string beside the conversation
//! (`P{C}:memory`, see `keys`), read by `acquire` and `get` and written by
//! `commit` within their own scripts, so it costs no round trip.

use std::time::Duration;

use super::{parse, to_json};
use crate::memory::CitizenMemory;
use crate::state::StoreError;

/// A stored memory; none when retention is off (a memory written before it
/// was turned off is not read).
pub(super) fn read(json: Option<&str>, retention: Duration) -> Result<CitizenMemory, StoreError> {
    match json {
        Some(json) if !retention.is_zero() => parse("stored memory", json),
        _ => Ok(CitizenMemory::default()),
    }
}

/// What `commit` stores: the memory's JSON, or "" to delete it (nothing to
/// keep, or retention off).
pub(super) fn write(memory: &CitizenMemory, retention: Duration) -> Result<String, StoreError> {
    if memory.is_empty() || retention.is_zero() {
        Ok(String::new())
    } else {
        to_json(memory)
    }
}
