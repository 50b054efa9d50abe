//! LEC-26: a generator as a context manager: the body of the `with` block runs at the
//! generator's single yield; a clean exit resumes it (commit), an error is thrown into it at
//! the yield (rollback, and the error goes on); either way it closes the connection.
//!
//! Rust has no `contextlib.contextmanager`, so `with_cursor` below does what it does, by hand:
//! `start()` to enter, `send(())` on a clean exit (the generator must then finish), and
//! `throw(error)` on an error (the same error must come back out). The database is a small
//! in-memory stand-in for an SQLite file with transactions: a connection works on its own
//! copy of the tables until it commits.

use corogen::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::pin::pin;
use std::rc::Rc;

/// The error raised inside the `with` block.
#[derive(Debug)]
struct ValueError(&'static str);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Named tables of integers.
type Tables = BTreeMap<&'static str, Vec<i64>>;

/// The database "file": the committed tables.
#[derive(Default)]
struct Database {
    committed: RefCell<Tables>,
}

/// An open connection: its working copy of the tables, shared with its cursors.
struct Connection<'db> {
    db: &'db Database,
    work: Rc<RefCell<Tables>>,
}

impl<'db> Connection<'db> {
    fn connect(db: &'db Database) -> Self {
        let work = Rc::new(RefCell::new(db.committed.borrow().clone()));
        Connection { db, work }
    }

    fn cursor(&self) -> Cursor {
        Cursor(Rc::clone(&self.work))
    }

    fn commit(&self) {
        *self.db.committed.borrow_mut() = self.work.borrow().clone();
    }

    fn rollback(&self) {
        *self.work.borrow_mut() = self.db.committed.borrow().clone();
    }

    fn close(self) {}
}

/// What the `with` block works with.
struct Cursor(Rc<RefCell<Tables>>);

impl Cursor {
    /// `CREATE TABLE name (x INTEGER)`
    fn create_table(&self, name: &'static str) {
        self.0.borrow_mut().insert(name, Vec::new());
    }

    /// `INSERT INTO name VALUES (value)`
    fn insert(&self, name: &'static str, value: i64) {
        self.0
            .borrow_mut()
            .get_mut(name)
            .expect("no such table")
            .push(value);
    }

    /// `SELECT COUNT(*) FROM name`
    fn count(&self, name: &'static str) -> usize {
        self.0.borrow()[name].len()
    }
}

/// `@contextmanager def get_cursor()`: yields a cursor; commits after a clean exit, rolls back
/// after an error (and lets the error go on); always closes the connection.
#[generator(yield = Cursor, throw = ValueError)]
fn get_cursor(db: &Database) {
    let con = Connection::connect(db);
    let cur = con.cursor();
    // `try: yield cur` -- `try_yield!` lets the body see a thrown error (or a close).
    let exit = try_yield!(cur);
    match exit {
        Ok(()) => {
            println!("  commit");
            con.commit();
        }
        Err(_) => {
            println!("  rollback");
            con.rollback();
        }
    }
    // `finally:`
    println!("  close");
    con.close();
    if let Err(Interrupt::Throw(error)) = exit {
        raise_!(error); // the bare `raise`: the error goes on to the `with` statement
    }
}

/// `with get_cursor() as cur: body(cur)`, the way `contextlib.contextmanager` runs it.
fn with_cursor(
    db: &Database,
    body: impl FnOnce(&Cursor) -> Result<(), ValueError>,
) -> Result<(), ValueError> {
    let mut manager = pin!(get_cursor(db));
    let Ok(GeneratorState::Yielded(cur)) = manager.start() else {
        panic!("generator didn't yield");
    };
    match body(&cur) {
        Ok(()) => match manager.send(()) {
            Ok(GeneratorState::Complete(())) => Ok(()),
            _ => panic!("generator didn't stop"),
        },
        Err(error) => match manager.throw(error) {
            Err(ResumeError::Raised(error)) => Err(error),
            // The generator swallowed the error: the `with` block exits normally.
            Ok(GeneratorState::Complete(())) => Ok(()),
            _ => panic!("generator didn't stop after throw()"),
        },
    }
}

/// Runs the exercise.
pub fn main() {
    let db = Database::default();

    println!("create");
    with_cursor(&db, |cur| {
        cur.create_table("t");
        Ok(())
    })
    .unwrap();

    println!("insert 1 (clean exit)");
    with_cursor(&db, |cur| {
        cur.insert("t", 1);
        Ok(())
    })
    .unwrap();

    println!("insert 2 (error inside with)");
    let outcome = with_cursor(&db, |cur| {
        cur.insert("t", 2);
        Err(ValueError("boom"))
    });
    if let Err(e) = outcome {
        println!("caught ValueError: {e}");
    }

    println!("count");
    with_cursor(&db, |cur| {
        println!("  rows: {}", cur.count("t"));
        Ok(())
    })
    .unwrap();
}
