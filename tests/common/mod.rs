//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

/// A log of events, shared between a test and the generators it drives.
#[derive(Clone, Default)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn push(&self, event: impl Into<String>) {
        self.0.borrow_mut().push(event.into());
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut())
    }

    /// A guard that logs `drop <name>` when it is dropped.
    pub fn guard(&self, name: &str) -> Guard {
        Guard {
            name: name.to_owned(),
            log: self.clone(),
        }
    }
}

/// Logs its own drop, so tests can count drops and see their order.
pub struct Guard {
    name: String,
    log: Log,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.name));
    }
}
