//! Synchronisation between tasks (work in progress).
#![allow(dead_code)]

mod waiters;
