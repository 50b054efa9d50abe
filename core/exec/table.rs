//! The task table: a slab of entries, each found by its [`TaskId`] without hashing.
//!
//! An id carries its number (unique in the scheduler, counting from 1) and the slot of the
//! table it was given; a slot is reused once its task has ended, and the number stored there
//! tells a live id from a stale one. Ids made from a bare number have no slot: they are found
//! by a search, which only the by-number system calls need.

use super::task::TaskId;

/// Entries by task id, each in two parts: `H`, what every turn of the task touches, kept
/// dense so a turn reads one cache line of the table; and `C`, what only waiting and ending
/// touch, in a parallel vector.
pub(crate) struct Table<H, C> {
    hot: Vec<Option<(u64, H)>>,
    cold: Vec<C>,
    /// Free slots, the most recently freed last (it is the warmest in the cache).
    free: Vec<u32>,
    len: usize,
    last_number: u64,
}

impl<H, C> Default for Table<H, C> {
    fn default() -> Self {
        Self {
            hot: Vec::new(),
            cold: Vec::new(),
            free: Vec::new(),
            len: 0,
            last_number: 0,
        }
    }
}

impl<H, C: Default> Table<H, C> {
    /// Adds an entry under the next number, and returns its id.
    pub(crate) fn insert(&mut self, hot: H, cold: C) -> TaskId {
        self.last_number += 1;
        let number = self.last_number;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.hot[slot as usize] = Some((number, hot));
                self.cold[slot as usize] = cold;
                slot
            }
            None => {
                let slot = u32::try_from(self.hot.len())
                    .ok()
                    .filter(|&slot| slot != TaskId::NO_SLOT)
                    .expect("fewer than 2^32 - 1 tasks at once");
                self.hot.push(Some((number, hot)));
                self.cold.push(cold);
                slot
            }
        };
        self.len += 1;
        TaskId::new(number, slot)
    }

    /// The slot of the live entry `id`, if there is one.
    #[inline]
    fn find(&self, id: TaskId) -> Option<usize> {
        let number = id.get();
        let slot = match id.slot {
            TaskId::NO_SLOT => self
                .hot
                .iter()
                .position(|entry| matches!(entry, Some((n, _)) if *n == number))?,
            slot => slot as usize,
        };
        match self.hot.get(slot) {
            Some(Some((n, _))) if *n == number => Some(slot),
            _ => None,
        }
    }

    /// The part of entry `id` that every turn touches.
    #[inline]
    pub(crate) fn get_mut(&mut self, id: TaskId) -> Option<&mut H> {
        let slot = self.find(id)?;
        self.hot[slot].as_mut().map(|(_, hot)| hot)
    }

    /// The part of entry `id` that waiting and ending touch.
    pub(crate) fn cold_mut(&mut self, id: TaskId) -> Option<&mut C> {
        let slot = self.find(id)?;
        self.cold.get_mut(slot)
    }

    pub(crate) fn contains(&self, id: TaskId) -> bool {
        self.find(id).is_some()
    }

    /// The id with the slot of the live entry `id` (which may have been made from a number).
    pub(crate) fn placed(&self, id: TaskId) -> Option<TaskId> {
        self.find(id).map(|slot| TaskId::new(id.get(), slot as u32))
    }

    pub(crate) fn remove(&mut self, id: TaskId) -> Option<(H, C)> {
        let slot = self.find(id)?;
        let (_, hot) = self.hot[slot].take()?;
        let cold = core::mem::take(&mut self.cold[slot]);
        self.free.push(slot as u32);
        self.len -= 1;
        Some((hot, cold))
    }

    /// The ids of the live entries, in slot order.
    pub(crate) fn ids(&self) -> Vec<TaskId> {
        let live = self.hot.iter().enumerate();
        live.filter_map(|(slot, entry)| Some(TaskId::new(entry.as_ref()?.0, slot as u32)))
            .collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_count_from_one_and_are_never_reused() {
        let mut table = Table::default();
        let a = table.insert('a', 1);
        let b = table.insert('b', 2);
        assert_eq!((a.get(), b.get()), (1, 2));
        assert_eq!(table.remove(a), Some(('a', 1)));
        let c = table.insert('c', 3);
        assert_eq!(c.get(), 3);
        assert_eq!(c.slot, a.slot, "the freed slot is reused");
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn a_stale_id_does_not_find_the_entry_that_reused_its_slot() {
        let mut table = Table::default();
        let a = table.insert('a', 1);
        table.remove(a);
        let b = table.insert('b', 2);
        assert_eq!(table.get_mut(a), None);
        assert_eq!(table.cold_mut(a), None);
        assert_eq!(table.remove(a), None);
        assert_eq!(table.get_mut(b), Some(&mut 'b'));
        assert_eq!(table.cold_mut(b), Some(&mut 2));
    }

    #[test]
    fn an_id_made_from_a_number_is_found_by_search() {
        let mut table = Table::default();
        table.insert('a', 1);
        let b = table.insert('b', 2);
        let by_number = TaskId::from(2);
        assert_eq!(table.placed(by_number).map(|id| id.slot), Some(b.slot));
        assert_eq!(table.get_mut(by_number), Some(&mut 'b'));
        assert!(!table.contains(TaskId::from(7)));
        assert_eq!(table.remove(by_number), Some(('b', 2)));
        assert!(!table.contains(b));
    }
}
